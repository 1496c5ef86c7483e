using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class EventTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAndUpdate_RecordEvents_WithSnapshotAndPreviousAttributes()
    {
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "old@example.com" },
            new RequestOptions { IdempotencyKey = "evt-create" }, Ct);
        await client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { Email = "new@example.com" }, cancellationToken: Ct);

        var events = await client.V1.Events.ListAsync(cancellationToken: Ct);
        Assert.Equal(["customer.updated", "customer.created"], events.Data.Select(e => e.Type));
        var updated = events.Data[0];
        var created = events.Data[1];
        Assert.StartsWith("evt_", created.Id);
        Assert.Equal("2026-10-28.endive", created.ApiVersion);
        Assert.Equal("old@example.com", ((Customer)created.Data.Object).Email);
        Assert.Equal("evt-create", created.Request.IdempotencyKey);
        Assert.StartsWith("req_", created.Request.Id);
        Assert.Equal("new@example.com", ((Customer)updated.Data.Object).Email);
        Assert.Equal("old@example.com", (string)((dynamic)updated.Data.PreviousAttributes).email);

        var fetched = await client.V1.Events.GetAsync(created.Id, cancellationToken: Ct);
        Assert.Equal(customer.Id, ((Customer)fetched.Data.Object).Id);
    }

    [Fact]
    public async Task List_FiltersByType_AndWildcard()
    {
        var client = fx.NewClient();
        await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "P" }, cancellationToken: Ct);

        var products = await client.V1.Events.ListAsync(new EventListOptions { Type = "product.*" }, cancellationToken: Ct);
        Assert.Equal("product.created", Assert.Single(products.Data).Type);
        var customers = await client.V1.Events.ListAsync(new EventListOptions { Types = ["customer.created"] }, cancellationToken: Ct);
        Assert.Single(customers.Data);
    }

    [Fact]
    public async Task Get_UnknownEvent_Is404()
    {
        var e = await Assert.ThrowsAsync<StripeException>(() => fx.NewClient().V1.Events.GetAsync("evt_missing", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
    }

    [Fact]
    public async Task Events_OfCustomerOnTestClock_CarryTheClockTime()
    {
        var key = EmulatorFixture.NewKey();
        var client = fx.Client(key);
        var frozen = new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);
        fx.Server.Control.WithAccount(key, a => { a.TestClocks.Set("clock_test1", frozen); return 0; });

        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { TestClock = "clock_test1" }, cancellationToken: Ct);
        Assert.Equal("clock_test1", customer.TestClockId);
        Assert.Equal(frozen.UtcDateTime, customer.Created);
        var pm = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);

        Assert.Equal(frozen.UtcDateTime, pm.Created);
        var events = await client.V1.Events.ListAsync(cancellationToken: Ct);
        Assert.All(events.Data, e => Assert.Equal(frozen.UtcDateTime, e.Created));
        Assert.Contains(events.Data, e => e.Type == "payment_method.attached" && ((PaymentMethod)e.Data.Object).Id == pm.Id);
        Assert.Equal(frozen, fx.Server.Control.Now(key, customer.Id));
        Assert.NotEqual(frozen, fx.Server.Control.Now(key));
    }

    [Fact]
    public async Task Customer_WithUnknownTestClock_Is400()
    {
        var e = await Assert.ThrowsAsync<StripeException>(() =>
            fx.NewClient().V1.Customers.CreateAsync(new CustomerCreateOptions { TestClock = "clock_nope" }, cancellationToken: Ct));
        Assert.Equal("test_clock", e.StripeError.Param);
        Assert.Equal("resource_missing", e.StripeError.Code);
    }
}
