using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Usage;

/// <summary>The real process stopped with SIGTERM while reports keep arriving.</summary>
public sealed class UsageShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_DuringSustainedIngest_KeepsEveryAcknowledgedReport_DeliversThemAfterRestart_AndExitsZero()
    {
        await using var set = await UsageProcesses.StartAsync();
        var (tally, admin) = await set.ServeAsync();
        var (subject, customerId, start, end) = await UsageProcesses.MeteredEditorAsync(admin, 0);
        var url = admin.BaseAddress!.ToString();
        var token = TestTokens.For(subject, $"{subject}@example.com");
        var acknowledged = new ConcurrentBag<string>();
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            using var editor = UsageProcesses.ClientFor(url, token);
            for (var i = 0; ; i++)
            {
                var key = $"w{w}-{i}";
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/report_usage") { Content = JsonContent.Create(new { quantity = 1 }) };
                request.Headers.Add("Idempotency-Key", key);
                try
                {
                    using var answer = await editor.SendAsync(request, Ct);
                    if (answer.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged.Add(key);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !Ct.IsCancellationRequested))
                {
                    return i; // the server stopped accepting (or went away): an unanswered report is not acknowledged
                }
            }
        }, Ct)).ToList();

        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 300), "sustained ingest to be under way");
        var exitCode = await tally.TerminateAsync(TimeSpan.FromSeconds(90));
        var sent = await Task.WhenAll(writers);
        await tally.DisposeAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{tally.Stdout}\n{tally.Stderr}");
        Assert.True(sent.Sum() > acknowledged.Count - 6, "the writers were still sending when the process stopped");

        var (restarted, restartedAdmin) = await set.ServeAsync();
        await using var _ = restarted;
        await Eventually.TrueAsync(async () =>
        {
            var health = await restartedAdmin.GetFromJsonAsync<JsonElement>("/api/admin/usage/health", TallyFactory.Json, Ct);
            return health.GetProperty("pending").GetInt64() == 0 && health.GetProperty("open_batches").GetInt64() == 0;
        }, "every stored report delivered after the restart");

        using var editorAfter = UsageProcesses.ClientFor(restartedAdmin.BaseAddress!.ToString(), token);
        var ledger = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await editorAfter.GetFromJsonAsync<JsonElement>($"/api/billing/usage_records?limit=100{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", TallyFactory.Json, Ct);
            ledger.AddRange(page.GetProperty("data").EnumerateArray());
            cursor = page.GetProperty("has_more").GetBoolean() ? page.GetProperty("next_cursor").GetString() : null;
        }
        while (cursor is not null);

        var keys = ledger.Select(r => r.GetProperty("idempotency_key").GetString()!).ToHashSet();
        var lost = acknowledged.Where(k => !keys.Contains(k)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged reports are not in the ledger: {string.Join(", ", lost.Take(10))}");
        Assert.All(ledger, r => Assert.Equal("reported", r.GetProperty("status").GetString()));
        Assert.Equal(ledger.Sum(r => r.GetProperty("quantity").GetDecimal()), set.StripeTotal(customerId, start, end));
    }
}
