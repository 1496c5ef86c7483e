using Stripe;
using Stripe.TestHelpers;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Billing;

/// <summary>Stripe's failed-payment setting: after the last retry, cancel (default), mark unpaid, or leave past_due.</summary>
public sealed class FailedPaymentOutcomeTests
{
    private static readonly DateTime T0 = BillingCycleTests.T0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(FailedPaymentOutcome.Cancel, "canceled")]
    [InlineData(FailedPaymentOutcome.MarkUnpaid, "unpaid")]
    [InlineData(FailedPaymentOutcome.LeavePastDue, "past_due")]
    public async Task AfterTheLastFailedRetry_TheSubscriptionTakesTheConfiguredStatus(FailedPaymentOutcome outcome, string expected)
    {
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { AfterFailedRetries = outcome }, Ct);
        var stripe = Clients.For(server, BillingFixture.NewKey(), maxNetworkRetries: 0);
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id, "pm_card_chargeCustomerFail");
        // Metered: the first invoice is $0 and paid, so the subscription starts active.
        var meter = await CatalogSeed.MeterAsync(stripe);
        var price = await CatalogSeed.PriceAsync(stripe, 25m, meter.Id);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
        }, cancellationToken: Ct);
        await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = meter.EventName,
            Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "40" },
        }, cancellationToken: Ct);

        await BillingCycleTests.AdvanceWithAsync(stripe, clock.Id, T0.AddMonths(1).AddDays(1));
        Assert.Equal("past_due", (await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct)).Status);
        await BillingCycleTests.AdvanceWithAsync(stripe, clock.Id, T0.AddMonths(1).AddDays(20));

        var after = await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct);
        Assert.Equal(expected, after.Status);
        var invoices = await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = sub.Id, Status = "open" }, cancellationToken: Ct);
        var failed = Assert.Single(invoices.Data);
        Assert.Equal(4, failed.AttemptCount);
        Assert.Null(failed.NextPaymentAttempt);
    }
}
