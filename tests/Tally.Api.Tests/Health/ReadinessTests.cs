using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
}
