using System.Net;
using Stripe;
using Stripe.TestHelpers;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Billing;

public sealed class BillingPersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BillingState_SurvivesARestart()
    {
        var t0 = BillingCycleTests.T0;
        var path = Path.Combine(Path.GetTempPath(), $"emu-billing-{Guid.NewGuid():N}.json");
        var key = EmulatorFixture.NewKey();
        string subId, customer, meterId, clockId;
        try
        {
            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var stripe = Clients.For(server, key, 0);
                var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = t0 }, cancellationToken: Ct);
                clockId = clock.Id;
                customer = await CatalogSeed.CustomerAsync(stripe, clock.Id);
                var meter = await CatalogSeed.MeterAsync(stripe);
                meterId = meter.Id;
                var price = await CatalogSeed.PriceAsync(stripe, 10, meter.Id);
                subId = (await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
                {
                    Customer = customer, Items = [new SubscriptionItemOptions { Price = price }],
                }, cancellationToken: Ct)).Id;
                await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
                {
                    EventName = "api_requests", Identifier = "persisted-1", Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "12" },
                }, cancellationToken: Ct);
                await server.SaveAsync(Ct);
            }

            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var stripe = Clients.For(server, key, 0);
                var sub = await stripe.V1.Subscriptions.GetAsync(subId, cancellationToken: Ct);
                Assert.Equal("active", sub.Status);
                Assert.Equal(12m, server.Control.MeterTotal(key, customer, meterId, t0, t0.AddDays(1)));
                var dup = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
                {
                    EventName = "api_requests", Identifier = "persisted-1", Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "12" },
                }, cancellationToken: Ct));
                Assert.Equal(HttpStatusCode.BadRequest, dup.HttpStatusCode);
                await BillingCycleTests.AdvanceWithAsync(stripe, clockId, t0.AddMonths(1).AddHours(2));
                var invoices = await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subId }, cancellationToken: Ct);
                Assert.Equal(120, invoices.Data.Single(i => i.BillingReason == "subscription_cycle").AmountPaid);
            }
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
