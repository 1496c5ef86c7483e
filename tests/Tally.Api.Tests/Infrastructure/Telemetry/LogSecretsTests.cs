using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Telemetry;

/// <summary>The real process logging at Debug in JSON: one JSON object per line, and none of the run's secrets in any of them.</summary>
public sealed class LogSecretsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JsonLogs_OfRealRequests_AreOneObjectPerLine_AndHoldNoTokenKeyOrEmail()
    {
        await using var set = await UsageProcesses.StartAsync();
        var (tally, admin) = await set.ServeAsync(new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json", ["Logging__LogLevel__Default"] = "Debug", ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Debug",
        });
        await using var _ = tally;
        var (subject, _, _, _) = await UsageProcesses.MeteredEditorAsync(admin, 0);
        var email = $"{subject}@example.com";
        var token = TestTokens.For(subject, email);
        using var editor = UsageProcesses.ClientFor(admin.BaseAddress!.ToString(), token);

        var report = await editor.PostAsJsonAsync("/api/billing/report_usage", new { quantity = 2, metadata = new { note = email } }, TallyFactory.Json, Ct);
        Assert.Equal(HttpStatusCode.Accepted, report.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await editor.PostAsJsonAsync("/api/billing/report_usage", new { quantity = -1 }, TallyFactory.Json, Ct)).StatusCode);
        using var forged = UsageProcesses.ClientFor(admin.BaseAddress!.ToString(), token[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/me", Ct)).StatusCode);
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/billing/webhook") { Content = new StringContent("{\"id\":\"evt_1\"}") };
        webhook.Headers.TryAddWithoutValidation("Stripe-Signature", "t=1,v1=" + new string('0', 64));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(webhook, Ct)).StatusCode);
        await Eventually.TrueAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/api/admin/usage/health", TallyFactory.Json, Ct)).GetProperty("pending").GetInt64() == 0, "the report delivered");
        await tally.TerminateAsync(TimeSpan.FromSeconds(60));

        // Log events are JSON objects, one per line; the few plain lines are what serve prints for its user (URLs, next steps).
        var lines = tally.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{')).ToList();
        Assert.True(lines.Count > 20, $"only {lines.Count} log lines:\n{tally.Stdout}");
        foreach (var line in lines)
        {
            using var parsed = JsonDocument.Parse(line); // one JSON object per line
            Assert.True(parsed.RootElement.TryGetProperty("Category", out var _), line);
        }

        Assert.Contains(lines, l => l.Contains("\"UsageBatchId\"", StringComparison.Ordinal) || l.Contains("\"RecordCount\"", StringComparison.Ordinal)
            || l.Contains("\"StripeEventId\"", StringComparison.Ordinal) || l.Contains("\"UserId\"", StringComparison.Ordinal));
        var all = tally.Stdout + tally.Stderr;
        string[] secrets = [token, token.Split('.')[2], TestTokens.SigningKey, UsageProcesses.ApiKey, UsageProcesses.WebhookSecret, email, TestTokens.AdminEmail];
        foreach (var secret in secrets)
        {
            Assert.False(all.Contains(secret, StringComparison.Ordinal), $"the logs hold a secret ({secret[..Math.Min(8, secret.Length)]}...)");
        }
    }
}
