using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class ClockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Objects_AreStampedWithTheEmulatorClock()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2024, 2, 29, 10, 0, 0, TimeSpan.Zero));
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Time = time }, Ct);
        var client = Clients.For(server, EmulatorFixture.NewKey());
        var first = await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Then" }, cancellationToken: Ct);
        time.Advance(TimeSpan.FromDays(1));
        var second = await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Later" }, cancellationToken: Ct);

        Assert.Equal(new DateTime(2024, 2, 29, 10, 0, 0, DateTimeKind.Utc), first.Created);
        Assert.Equal(new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc), second.Created);
        var events = await client.V1.Events.ListAsync(cancellationToken: Ct);
        Assert.Equal([second.Created, first.Created], events.Data.Select(e => e.Created));
    }

    [Fact]
    public async Task IdempotencyKeys_ExpireAfter24hOfEmulatedTime()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Time = time }, Ct);
        var client = Clients.For(server, EmulatorFixture.NewKey());
        var key = new RequestOptions { IdempotencyKey = "daily" };
        var first = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, key, Ct);

        time.Advance(TimeSpan.FromHours(23));
        var replay = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, key, Ct);
        Assert.Equal(first.Id, replay.Id);
        var mismatch = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, key, Ct));
        Assert.Equal("idempotency_error", mismatch.StripeError.Type);

        time.Advance(TimeSpan.FromHours(2));
        var fresh = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, key, Ct);
        Assert.NotEqual(first.Id, fresh.Id);
    }

    [Fact]
    public async Task StrictApiVersion_RejectsOtherVersions()
    {
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StrictApiVersion = true }, Ct);
        using var http = Clients.Raw(server, EmulatorFixture.NewKey());
        http.DefaultRequestHeaders.Add("Stripe-Version", "2025-03-31.basil");
        var response = await http.GetAsync("/v1/customers", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await Clients.For(server, EmulatorFixture.NewKey()).V1.Customers.ListAsync(cancellationToken: Ct)).Object);
    }

    [Fact]
    public async Task ResetState_ForgetsEveryAccount()
    {
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions(), Ct);
        var client = Clients.For(server, EmulatorFixture.NewKey());
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        server.Control.ResetState();
        Assert.Empty((await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data);
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.GetAsync(customer.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
    }
}
