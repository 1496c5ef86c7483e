using System.Net;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Stripe.TestHelpers;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.WebhookKit;

namespace Tally.Api.Tests.Webhooks;

/// <summary>Order independence: shuffled deliveries end with the same mirror as the same events in order.</summary>
public sealed class WebhookOrderTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static readonly DateTime T0 = new(2026, 5, 10, 0, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ShuffledDeliveries_EndWithTheSameMirrorAsAnInOrderRun()
    {
        var stripe = factory.Stripe;
        factory.Emulator.Control.WebhooksPaused = true;
        List<string> events;
        try
        {
            events = await BurstAsync(stripe);
        }
        finally
        {
            factory.Emulator.Control.ShuffleDelivery = true;
            factory.Emulator.Control.WebhooksPaused = false;
        }

        await DrainedAsync(factory);
        factory.Emulator.Control.ShuffleDelivery = false;
        var deliveredOrder = factory.Emulator.Control.WebhookDeliveries.Select(d => d.EventId).Distinct().ToList();

        await using var replica = new ReplicaTallyFactory(factory);
        await replica.InitializeAsync();
        var client = replica.ClientFor(null);
        foreach (var e in events)
        {
            using var response = await PostAsync(client, e, Sign(e));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Eventually.TrueAsync(() => replica.WithDbAsync(db => db.Set<WebhookEvent>().AllAsync(w => w.Status != WebhookStatus.Pending, Ct)), "the replica to process the event");
        }

        var inOrderIds = events.Select(e => System.Text.Json.JsonDocument.Parse(e).RootElement.GetProperty("id").GetString()!).ToList();
        Assert.NotEqual(inOrderIds, deliveredOrder.Where(inOrderIds.Contains).ToList());
        var shuffled = await MirrorDump.OfAsync(factory);
        var inOrder = await MirrorDump.OfAsync(replica);
        Assert.Equal(inOrder, shuffled);
        Assert.Contains("\"canceled\"", shuffled, StringComparison.Ordinal);
        Assert.Contains("subscription_cycle", shuffled, StringComparison.Ordinal);
    }

    /// <summary>Three subscriptions on one test clock: one set to cancel at period end, a renewal month, one cancelled now.</summary>
    private static async Task<List<string>> BurstAsync(StripeClient stripe)
    {
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Seats" }, cancellationToken: Ct);
        var seats = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = product.Id, UnitAmount = 1500, Recurring = new PriceRecurringOptions { Interval = "month" },
        }, cancellationToken: Ct);
        var subscriptions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"order-{i}", Email = $"order-{i}@example.test", TestClock = clock.Id }, cancellationToken: Ct);
            var pm = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
            await stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id } }, cancellationToken: Ct);
            var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
            {
                Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = seats.Id, Quantity = i + 1 }],
            }, cancellationToken: Ct);
            subscriptions.Add(sub.Id);
        }

        await stripe.V1.Subscriptions.UpdateAsync(subscriptions[0], new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
        await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(clock.Id, new TestClockAdvanceOptions { FrozenTime = T0.AddMonths(1).AddDays(1) }, cancellationToken: Ct);
        await Eventually.TrueAsync(async () => (await stripe.V1.TestHelpers.TestClocks.GetAsync(clock.Id, cancellationToken: Ct)).Status == "ready", "the test clock to be ready");
        await stripe.V1.Subscriptions.CancelAsync(subscriptions[1], cancellationToken: Ct);
        return await StoredEventsAsync(stripe);
    }
}
