using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

/// <summary>Each test runs on its own server: faults and outages are server-wide.</summary>
public sealed class FaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<StripeEmulatorServer> Start() => StripeEmulatorServer.StartAsync(new StripeEmulatorOptions(), Ct);

    [Fact]
    public async Task ServerError_WithShouldRetry_IsRetriedBySdk_WithSameIdempotencyKey()
    {
        await using var server = await Start();
        var client = Clients.For(server, EmulatorFixture.NewKey());
        server.Control.FailNext("/v1/customers", 1, FaultKind.ServerError, "POST");

        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "retry@example.com" }, cancellationToken: Ct);

        var posts = server.Control.Requests.Where(r => r.Method == "POST" && r.Path == "/v1/customers").ToList();
        Assert.Equal([500, 200], posts.Select(p => p.Status));
        Assert.NotNull(posts[0].IdempotencyKey);
        Assert.Equal(posts[0].IdempotencyKey, posts[1].IdempotencyKey);
        Assert.Single((await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data);
        Assert.Equal("retry@example.com", customer.Email);
    }

    [Fact]
    public async Task ServerError_BeyondRetries_SurfacesApiError500()
    {
        await using var server = await Start();
        var client = Clients.For(server, EmulatorFixture.NewKey(), maxNetworkRetries: 1);
        server.Control.FailNext("/v1/products", 2);

        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Products.ListAsync(cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.InternalServerError, e.HttpStatusCode);
        Assert.Equal("api_error", e.StripeError.Type);
        Assert.Equal(2, server.Control.Requests.Count(r => r.Path == "/v1/products"));
    }

    [Fact]
    public async Task RateLimit_Is429_AndNotRetried()
    {
        await using var server = await Start();
        var client = Clients.For(server, EmulatorFixture.NewKey());
        server.Control.FailNext("/v1/billing/meter_events", 1, FaultKind.RateLimit);
        server.Control.FailNext("/v1/coupons", 1, FaultKind.RateLimit);

        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Coupons.ListAsync(cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, e.HttpStatusCode);
        Assert.Equal("rate_limit", e.StripeError.Code);
        Assert.Single(server.Control.Requests, r => r.Path == "/v1/coupons");
        Assert.NotNull(await client.V1.Coupons.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task RateFault_IsSeeded_AndAppliesOnlyUnderItsPrefix()
    {
        await using var server = await Start();
        var client = Clients.For(server, EmulatorFixture.NewKey(), maxNetworkRetries: 0);
        server.Control.AddFault(new FaultRule { PathPrefix = "/v1/coupons", Kind = FaultKind.RateLimit, Rate = 0.5 });
        var outcomes = new List<bool>();
        for (var i = 0; i < 20; i++)
        {
            try
            { await client.V1.Coupons.ListAsync(cancellationToken: Ct); outcomes.Add(true); }
            catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.TooManyRequests) { outcomes.Add(false); }
        }
        Assert.Contains(true, outcomes);
        Assert.Contains(false, outcomes);
        Assert.NotNull(await client.V1.Customers.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task DroppedConnection_IsRetriedBySdk()
    {
        await using var server = await Start();
        var client = Clients.For(server, EmulatorFixture.NewKey());
        server.Control.FailNext("/v1/customers", 1, FaultKind.DropConnection);

        var list = await client.V1.Customers.ListAsync(cancellationToken: Ct);
        Assert.Empty(list.Data);
        Assert.Equal([0, 200], server.Control.Requests.Where(r => r.Path == "/v1/customers").Select(r => r.Status));
    }

    [Fact]
    public async Task Outage_RejectsEverything_UntilSwitchedOff()
    {
        await using var server = await Start();
        var client = Clients.For(server, EmulatorFixture.NewKey(), maxNetworkRetries: 0);
        server.Control.Outage = OutageMode.ServiceUnavailable;
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.ListAsync(cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.HttpStatusCode);

        server.Control.Outage = OutageMode.DropConnection;
        await Assert.ThrowsAnyAsync<Exception>(() => client.V1.Customers.ListAsync(cancellationToken: Ct));

        server.Control.Outage = OutageMode.None;
        Assert.Empty((await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task Latency_DelaysButSucceeds()
    {
        await using var server = await Start();
        var client = Clients.For(server, EmulatorFixture.NewKey());
        server.Control.AddFault(new FaultRule { PathPrefix = "/v1/products", Kind = FaultKind.Latency, Latency = TimeSpan.FromMilliseconds(50), Remaining = 1 });
        var product = await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Late" }, cancellationToken: Ct);
        Assert.Equal("Late", product.Name);
    }
}
