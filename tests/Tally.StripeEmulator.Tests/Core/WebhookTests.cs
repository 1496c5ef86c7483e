using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class WebhookTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        fx.Server.Control.DeliverTwice = false;
        fx.Server.Control.ShuffleDelivery = false;
        fx.Server.Control.WebhooksPaused = false;
    }

    private static async Task<(StripeClient Client, string Secret)> Subscribe(EmulatorFixture fx, WebhookReceiver receiver, params string[] events)
    {
        var client = fx.NewClient();
        var endpoint = await client.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = receiver.Url, EnabledEvents = events.Length == 0 ? ["*"] : [.. events],
        }, cancellationToken: Ct);
        Assert.StartsWith("whsec_", endpoint.Secret);
        Assert.Equal("2026-10-28.endive", endpoint.ApiVersion);
        return (client, endpoint.Secret);
    }

    [Fact]
    public async Task Endpoint_ReceivesSignedEvents_ThatVerifyWithConstructEvent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (client, secret) = await Subscribe(fx, receiver);
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "hook@example.com" }, cancellationToken: Ct);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        StrictParse.CheckJson(received.Body);
        Assert.Matches(@"^t=\d+,v1=[0-9a-f]{64}$", received.Signature);
        var evt = EventUtility.ConstructEvent(received.Body, received.Signature, secret); // API-version check left on
        Assert.Equal(EventTypes.CustomerCreated, evt.Type);
        Assert.Equal(customer.Id, ((Customer)evt.Data.Object).Id);
        Assert.Equal(1, evt.PendingWebhooks);
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(received.Body, received.Signature, "whsec_wrong"));
    }

    [Fact]
    public async Task Endpoint_EnabledEventsFilter_IsApplied_AndEndpointCrudWorks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (client, secret) = await Subscribe(fx, receiver, "product.created");
        await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Only this" }, cancellationToken: Ct);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("product.created", EventUtility.ConstructEvent(received.Body, received.Signature, secret).Type);

        var endpoints = await client.V1.WebhookEndpoints.ListAsync(cancellationToken: Ct);
        var endpoint = Assert.Single(endpoints.Data);
        Assert.Null(endpoint.Secret);
        var disabled = await client.V1.WebhookEndpoints.UpdateAsync(endpoint.Id, new WebhookEndpointUpdateOptions { Disabled = true }, cancellationToken: Ct);
        Assert.Equal("disabled", disabled.Status);
        var deleted = await client.V1.WebhookEndpoints.DeleteAsync(endpoint.Id, cancellationToken: Ct);
        Assert.True(deleted.Deleted);
        Assert.Empty((await client.V1.WebhookEndpoints.ListAsync(cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task Delivery_IsRetried_AfterNon2xx()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailNext(2);
        var (client, secret) = await Subscribe(fx, receiver);
        await client.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 5, Duration = "forever" }, cancellationToken: Ct);

        var all = await receiver.WaitForAsync(3);
        Assert.Equal(3, all.Count);
        Assert.Single(all.Select(r => EventUtility.ConstructEvent(r.Body, r.Signature, secret).Id).Distinct());
        // The emulator records an attempt once the receiver's answer is back: wait for the third record.
        List<WebhookDeliveryRecord> attempts;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((attempts = fx.Server.Control.WebhookDeliveries.Where(d => d.Url == receiver.Url).ToList()).Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
        }

        Assert.Equal([500, 500, 200], attempts.Select(d => d.Status));
        Assert.Equal([1, 2, 3], attempts.Select(d => d.Attempt));
    }

    [Fact]
    public async Task DeliverTwice_SendsEachEventTwice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (client, secret) = await Subscribe(fx, receiver);
        fx.Server.Control.DeliverTwice = true;
        await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Twice" }, cancellationToken: Ct);

        var all = await receiver.WaitForAsync(2);
        Assert.Equal(2, all.Count);
        var ids = all.Select(r => EventUtility.ConstructEvent(r.Body, r.Signature, secret).Id).ToList();
        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task ShuffleDelivery_ReordersAQueuedBatch_DeliveringEachOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (client, secret) = await Subscribe(fx, receiver, "product.created");
        fx.Server.Control.WebhooksPaused = true;
        var names = Enumerable.Range(0, 12).Select(i => $"P{i:00}").ToList();
        foreach (var name in names)
        {
            await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = name }, cancellationToken: Ct);
        }

        fx.Server.Control.ShuffleDelivery = true;
        fx.Server.Control.WebhooksPaused = false;

        var all = await receiver.WaitForAsync(12);
        var order = all.Select(r => ((Product)EventUtility.ConstructEvent(r.Body, r.Signature, secret).Data.Object).Name).ToList();
        Assert.Equal(names, order.Order());
        Assert.NotEqual(names, order);
    }

    [Fact]
    public async Task StartupEndpoint_FromOptions_ReceivesEveryAccountsEvents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions
        {
            WebhookUrl = receiver.Url, WebhookSecret = "whsec_test_startup",
        }, Ct);
        await Clients.For(server, EmulatorFixture.NewKey()).V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        await Clients.For(server, EmulatorFixture.NewKey()).V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);

        var all = await receiver.WaitForAsync(2);
        Assert.Equal(2, all.Count);
        Assert.All(all, r => Assert.Equal("customer.created", EventUtility.ConstructEvent(r.Body, r.Signature, "whsec_test_startup").Type));
    }

    [Fact]
    public async Task PendingWebhooks_DropsToZeroOnDelivery_AndDeliverySuccessFilters()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (client, secret) = await Subscribe(fx, receiver);
        await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Delivered" }, cancellationToken: Ct);
        var received = Assert.Single(await receiver.WaitForAsync(1));
        var evt = EventUtility.ConstructEvent(received.Body, received.Signature, secret);
        Assert.Equal(1, evt.PendingWebhooks);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await client.V1.Events.GetAsync(evt.Id, cancellationToken: Ct)).PendingWebhooks != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(0, (await client.V1.Events.GetAsync(evt.Id, cancellationToken: Ct)).PendingWebhooks);

        var dead = fx.NewClient();
        await dead.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions { Url = "http://127.0.0.1:9/unreachable", EnabledEvents = ["*"] }, cancellationToken: Ct);
        var undelivered = await dead.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var failing = await dead.V1.Events.ListAsync(new EventListOptions { DeliverySuccess = false }, cancellationToken: Ct);
        Assert.Equal(undelivered.Id, ((Customer)Assert.Single(failing.Data).Data.Object).Id);
        Assert.Empty((await dead.V1.Events.ListAsync(new EventListOptions { DeliverySuccess = true }, cancellationToken: Ct)).Data);

        // A refused connection is retried too (with back-off), each attempt recorded with its error.
        List<WebhookDeliveryRecord> attempts;
        deadline = DateTime.UtcNow.AddSeconds(10);
        while ((attempts = fx.Server.Control.WebhookDeliveries.Where(d => d.Url == "http://127.0.0.1:9/unreachable").ToList()).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal([1, 2], attempts.Take(2).Select(a => a.Attempt));
        Assert.All(attempts, a => Assert.Equal(0, a.Status));
        Assert.All(attempts, a => Assert.NotNull(a.Error));
    }
}
