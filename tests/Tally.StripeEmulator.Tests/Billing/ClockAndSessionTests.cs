using System.Text.Json.Nodes;
using Stripe;
using Stripe.TestHelpers;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Billing;

[Collection(BillingCollection.Name)]
public sealed class ClockAndSessionTests(BillingFixture f)
{
    private static readonly DateTime T0 = BillingCycleTests.T0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TestClocks_ListGetDelete_AndAdvanceMustMoveForward()
    {
        var stripe = f.Client(BillingFixture.NewKey());
        var a = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0, Name = "a" }, cancellationToken: Ct);
        var b = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        Assert.Equal("ready", a.Status);
        Assert.Equal(T0, a.FrozenTime);
        var list = await stripe.V1.TestHelpers.TestClocks.ListAsync(cancellationToken: Ct);
        Assert.Equal(2, list.Data.Count);
        var back = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.TestHelpers.TestClocks.AdvanceAsync(a.Id,
            new TestClockAdvanceOptions { FrozenTime = T0.AddDays(-1) }, cancellationToken: Ct));
        Assert.Equal("frozen_time", back.StripeError.Param);
        var deleted = await stripe.V1.TestHelpers.TestClocks.DeleteAsync(b.Id, cancellationToken: Ct);
        Assert.True(deleted.Deleted);
        Assert.Single((await stripe.V1.TestHelpers.TestClocks.ListAsync(cancellationToken: Ct)).Data);
        var gone = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.TestHelpers.TestClocks.GetAsync(b.Id, cancellationToken: Ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.HttpStatusCode);
    }

    [Fact]
    public async Task SubscriptionDefaultPaymentMethod_WinsOverTheCustomers_AndMetadataUpdatesCarryPreviousAttributes()
    {
        var stripe = f.Client(BillingFixture.NewKey());
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id, "pm_card_visa");
        var failing = await stripe.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = customer }, cancellationToken: Ct);
        var price = await CatalogSeed.PriceAsync(stripe, 0.5m);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price, Quantity = 41 }],
            DefaultPaymentMethod = failing.Id,
            Metadata = new() { ["plan"] = "basic" },
        }, cancellationToken: Ct);
        Assert.Equal("incomplete", sub.Status);
        Assert.Equal(failing.Id, sub.DefaultPaymentMethodId);

        var updated = await stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions
        {
            Metadata = new() { ["plan"] = "pro" },
            DefaultPaymentMethod = "",
        }, cancellationToken: Ct);
        Assert.Equal("pro", updated.Metadata["plan"]);
        Assert.Null(updated.DefaultPaymentMethodId);
        var hook = await f.WaitForWebhookAsync(o => (string?)o["type"] == "customer.subscription.updated" && (string?)o["data"]?["object"]?["id"] == sub.Id, Ct);
        var previous = (JsonObject)JsonNode.Parse(hook.Body)!["data"]!["previous_attributes"]!;
        Assert.Equal("basic", (string?)previous["metadata"]?["plan"]);

        var paid = await stripe.V1.Invoices.PayAsync(sub.LatestInvoiceId, cancellationToken: Ct);
        Assert.Equal(21, paid.AmountPaid);
        Assert.Equal("active", (await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct)).Status);
    }

    [Fact]
    public async Task MeterEventSession_ExpiresAfter15Minutes()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(T0));
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Time = time }, Ct);
        var stripe = Clients.For(server, EmulatorFixture.NewKey(), 0);
        var customer = await CatalogSeed.CustomerAsync(stripe, card: null);
        await CatalogSeed.MeterAsync(stripe);
        var session = await stripe.V2.Billing.MeterEventSession.CreateAsync(new Stripe.V2.Billing.MeterEventSessionCreateOptions(), cancellationToken: Ct);
        Assert.Equal(T0.AddMinutes(15), session.ExpiresAt);
        time.Advance(TimeSpan.FromMinutes(16));
        var expired = await Assert.ThrowsAsync<Stripe.V2.TemporarySessionExpiredException>(() => stripe.V2.Billing.MeterEventStream.CreateAsync(
            new Stripe.V2.Billing.MeterEventStreamCreateOptions
            {
                Events = [new() { EventName = "api_requests", Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "1" } }],
            },
            new RequestOptions { ApiKey = session.AuthenticationToken }, Ct));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, expired.HttpStatusCode);
    }

    [Fact]
    public async Task WithoutATestClock_SubscriptionsFollowTheEmulatorClock_AndIdentifiersAgeOut()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(T0));
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Time = time }, Ct);
        var stripe = Clients.For(server, EmulatorFixture.NewKey(), 0);
        var customer = await CatalogSeed.CustomerAsync(stripe);
        var price = await CatalogSeed.PriceAsync(stripe, 1200);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer, Items = [new SubscriptionItemOptions { Price = price }],
        }, cancellationToken: Ct);
        await CatalogSeed.MeterAsync(stripe);
        var ev = new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = "api_requests", Identifier = "same", Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "1" },
        };
        await stripe.V1.Billing.MeterEvents.CreateAsync(ev, cancellationToken: Ct);

        time.Advance(TimeSpan.FromHours(23));
        await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Billing.MeterEvents.CreateAsync(ev, cancellationToken: Ct));
        time.Advance(TimeSpan.FromHours(3));
        await stripe.V1.Billing.MeterEvents.CreateAsync(ev, cancellationToken: Ct);

        time.Advance(TimeSpan.FromDays(31));
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] }, cancellationToken: Ct);
        Assert.Equal(T0.AddMonths(1), sub.Items.Data[0].CurrentPeriodStart);
        Assert.Equal("subscription_cycle", sub.LatestInvoice.BillingReason);
        Assert.Equal(1200, sub.LatestInvoice.AmountPaid);
        Assert.Equal(T0.AddMonths(1).AddHours(1), sub.LatestInvoice.StatusTransitions.PaidAt);
    }
}
