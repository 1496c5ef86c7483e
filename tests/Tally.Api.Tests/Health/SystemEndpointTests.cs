using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Health;

/// <summary><c>GET /api/admin/system</c>: what the Health page shows about the instance, never a secret.</summary>
public sealed class SystemEndpointTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task System_NamesStripeModeAndHost_VersionDatabaseAndUptime_WithoutTheKey()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var answer = await admin.GetAsync("/api/admin/system", Ct);
        var text = await answer.Content.ReadAsStringAsync(Ct);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);

        // This fixture names a Stripe API base (a closed port): not the embedded emulator.
        Assert.Equal("live", body.GetProperty("stripe_mode").GetString());
        Assert.Equal("127.0.0.1:9", body.GetProperty("stripe_api_host").GetString());
        Assert.Equal(TestDatabase.UsesPostgres ? "postgresql" : "sqlite", body.GetProperty("database").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("version").GetString()));
        Assert.True(body.GetProperty("started_at").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.True(body.GetProperty("uptime_seconds").GetDouble() >= 0);
        Assert.DoesNotContain("sk_test", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task System_OfAZeroConfigurationServe_SaysEmulator()
    {
        var directory = Directory.CreateTempSubdirectory("tally-system-").FullName;
        var (serving, url) = await TallyProcess.ServeAsync(directory, null, TimeSpan.FromSeconds(60));
        await using var tally = serving;
        Assert.True(await tally.WaitForOutputAsync("Try: curl", TimeSpan.FromSeconds(60)), tally.Stdout + tally.Stderr);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tally.AdminToken);

        var body = await http.GetFromJsonAsync<JsonElement>("/api/admin/system", TallyFactory.Json, Ct);

        Assert.Equal("emulator", body.GetProperty("stripe_mode").GetString());
        Assert.StartsWith("127.0.0.1:", body.GetProperty("stripe_api_host").GetString(), StringComparison.Ordinal);
        Assert.Equal("sqlite", body.GetProperty("database").GetString());
    }
}
