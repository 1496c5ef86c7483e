using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Tally.Api.Infrastructure.Health;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Health;

/// <summary>/readyz: the database, the background workers, Stripe (cached), and draining; /healthz stays bare liveness.</summary>
public sealed class ReadinessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_ReportsDatabaseAndWorkers_AndAStripeOutageIsReportedButLeavesItReady()
    {
        // TallyFactory points Stripe at a port nothing listens on.
        await using var factory = new TallyFactory();
        await factory.InitializeAsync();
        using var client = factory.CreateClient();

        var ready = await Eventually.ValueAsync(() => client.GetFromJsonAsync<JsonElement>("/readyz", Ct), r => r.GetProperty("stripe").GetString() != "unknown",
            "the first Stripe probe");

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("ok", ready.GetProperty("database").GetString());
        Assert.Equal("unreachable", ready.GetProperty("stripe").GetString());
        Assert.Equal("alive", ready.GetProperty("workers").GetProperty("usage_flusher").GetString());
        Assert.Equal("alive", ready.GetProperty("workers").GetProperty("webhook_processor").GetString());
        Assert.Equal("{\"status\":\"ok\"}", await client.GetStringAsync("/healthz", Ct));
    }

    [Fact]
    public async Task Readyz_ProbesStripeOnceForManyRequests()
    {
        await using var factory = new StripeTallyFactory();
        await factory.InitializeAsync();
        using var client = factory.CreateClient();
        var probes = () => factory.Emulator.Control.Requests.Count(r => r.Method == "GET" && r.Path == "/v1/billing/meters");
        var before = probes();

        await Eventually.TrueAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/readyz", Ct)).GetProperty("stripe").GetString() == "ok",
            "Stripe reported reachable");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Ct)).StatusCode);
        }

        Assert.Equal(before + 1, probes());
    }

    [Fact]
    public async Task Readyz_Is503AsSoonAsDrainingStarts_WhileHealthzStays200()
    {
        await using var factory = new TallyFactory();
        await factory.InitializeAsync();
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Ct)).StatusCode);

        // Draining starts (ApplicationStopping, as on SIGTERM); the host's own stop, which follows, is held
        // back until the test has asked: a callback registered last runs first.
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        using var held = new ManualResetEventSlim();
        using var registration = lifetime.ApplicationStopping.Register(() => held.Wait(TimeSpan.FromMinutes(2)));
        var stopping = Task.Run(lifetime.StopApplication, Ct);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), "draining to start");
            await ProblemAssert.IsProblemAsync(await client.GetAsync("/readyz", Ct), HttpStatusCode.ServiceUnavailable, "draining");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
        }
        finally
        {
            held.Set();
            await stopping;
        }
    }

    [Fact]
    public async Task Readyz_Is503NamingAWorkerThatStoppedBeating_WhileTheLiveWorkersStayAlive()
    {
        await using var factory = new HeartbeatClockTallyFactory();
        await factory.InitializeAsync();
        using var client = factory.CreateClient();
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, "ready");

        // A third worker beats once, then hangs; ten minutes pass on the heartbeats' clock. The real
        // workers beat again on their next loop (at the new time); the hung one does not.
        var heartbeats = factory.Services.GetRequiredService<WorkerHeartbeats>();
        heartbeats.Beat("hung_worker", TimeSpan.FromSeconds(1));
        factory.Clock.Advance(TimeSpan.FromMinutes(10));

        var problem = await Eventually.ValueAsync(
            async () => await (await client.GetAsync("/readyz", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct),
            p => p.TryGetProperty("workers", out var w) && w.GetProperty("usage_flusher").GetString() == "alive" && w.GetProperty("webhook_processor").GetString() == "alive",
            "the live workers' next beats");
        Assert.Equal("not_ready", problem.GetProperty("code").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("The background worker hung_worker is stale.", problem.GetProperty("detail").GetString());
        Assert.Equal("stale", problem.GetProperty("workers").GetProperty("hung_worker").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
    }

    [Fact]
    public void AWorkerThatStopsBeating_IsStaleAfterTenIntervals_OrFiveMinutesAtLeast()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));
        var heartbeats = new WorkerHeartbeats(clock);
        heartbeats.Beat("fast", TimeSpan.FromSeconds(1));
        heartbeats.Beat("slow", TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new Dictionary<string, string> { ["fast"] = "alive", ["slow"] = "alive" }, heartbeats.Report());

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new Dictionary<string, string> { ["fast"] = "stale", ["slow"] = "alive" }, heartbeats.Report());

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("stale", heartbeats.Report()["slow"]);

        // A beat revives a hung worker; a loop that ended stays stopped.
        heartbeats.Beat("slow", TimeSpan.FromMinutes(1));
        heartbeats.Ended("fast");
        Assert.Equal(new Dictionary<string, string> { ["fast"] = "stopped", ["slow"] = "alive" }, heartbeats.Report());
    }
}
