using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;
using static Tally.Api.Tests.Support.WebhookKit;
using MirrorSubscription = Tally.Api.Features.Mirror.Subscription;

namespace Tally.Api.Tests.Webhooks;

/// <summary>
/// A Stripe outage longer than the old retry budget (8 attempts, 635 s of back-off) loses nothing:
/// transient failures keep retrying, the history comes from the events meanwhile, and once Stripe is
/// back the mirror and history are exactly what an undisturbed run makes. Time is the processor's
/// fake clock, moved to each retry's due time; the emulator answers 503 to everything meanwhile.
/// </summary>
public sealed class WebhookOutageTests(NoProcessorTallyFactory factory) : IClassFixture<NoProcessorTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoHourStripeOutage_NothingEndsFailed_AndMirrorAndHistoryAreCompleteAfterwards()
    {
        var stripe = factory.Stripe;
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Outage", Email = "outage@example.test" }, cancellationToken: Ct);
        var pm = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        await stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id } }, cancellationToken: Ct);
        var seats = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = factory.ProductId, UnitAmount = 1500, Recurring = new PriceRecurringOptions { Interval = "month" },
        }, cancellationToken: Ct);
        var subscription = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = seats.Id, Quantity = 2 }],
        }, cancellationToken: Ct);
        await stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
        await StoredAllAsync(factory);
        var subscriptionEvents = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking()
            .Where(e => e.ObjectId == subscription.Id && e.Type.StartsWith("customer.subscription.")).ToListAsync(Ct));
        Assert.True(subscriptionEvents.Count >= 2, "the subscription was created and updated");

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddSeconds(1));
        var processor = Processor(factory, clock: clock);
        var outageStart = clock.GetUtcNow();
        var maxAttempts = 0;
        factory.Emulator.Control.Outage = OutageMode.ServiceUnavailable;
        try
        {
            await processor.RunOnceAsync(Ct);
            while (clock.GetUtcNow() < outageStart + TimeSpan.FromHours(2))
            {
                var due = await factory.WithDbAsync(db => db.Set<WebhookEvent>().Where(e => e.Status == WebhookStatus.Pending)
                    .OrderBy(e => e.NextAttemptAt).Select(e => (DateTimeOffset?)e.NextAttemptAt).FirstOrDefaultAsync(Ct));
                Assert.NotNull(due);
                if (due > clock.GetUtcNow())
                {
                    clock.SetUtcNow(due.Value);
                }

                Assert.True(await processor.RunOnceAsync(Ct) > 0, "due events were claimed");
                var counts = await StatusCountsAsync(factory);
                Assert.False(counts.ContainsKey(WebhookStatus.Failed), $"an event ended failed {clock.GetUtcNow() - outageStart} into the outage");
                Assert.False(counts.ContainsKey(WebhookStatus.Processed), "nothing can be processed while Stripe is down");
            }

            maxAttempts = await factory.WithDbAsync(db => db.Set<WebhookEvent>().MaxAsync(e => e.Attempts, Ct));
            // The history came from the events' own payloads while every re-fetch failed.
            var history = await factory.WithDbAsync(db => db.Set<SubscriptionHistory>().AsNoTracking().Where(h => h.StripeSubscriptionId == subscription.Id).ToListAsync(Ct));
            Assert.Equal(subscriptionEvents.Select(e => e.StripeCreated).Distinct().Count(), history.Count);
            Assert.Contains(history, h => h.CancelAtPeriodEnd);
            Assert.False(await factory.WithDbAsync(db => db.Set<MirrorSubscription>().AnyAsync(s => s.StripeSubscriptionId == subscription.Id, Ct)));
        }
        finally
        {
            factory.Emulator.Control.Outage = OutageMode.None;
        }

        Assert.True(maxAttempts > 8, $"the outage outlasted the old budget of 8 attempts (max attempts {maxAttempts})");
        Assert.All((await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().ToListAsync(Ct))).Where(e => e.Status == WebhookStatus.Pending),
            e => Assert.Contains("503", e.LastError, StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromHours(1));
        await RunUntilIdleAsync(processor);

        var after = await StatusCountsAsync(factory);
        Assert.False(after.ContainsKey(WebhookStatus.Pending) || after.ContainsKey(WebhookStatus.Failed), string.Join(", ", after));
        Assert.True(after[WebhookStatus.Processed] >= subscriptionEvents.Count);
        var mirrored = await factory.WithDbAsync(db => db.Set<MirrorSubscription>().AsNoTracking().SingleAsync(s => s.StripeSubscriptionId == subscription.Id, Ct));
        Assert.True(mirrored.CancelAtPeriodEnd);
        Assert.Equal("active", mirrored.Status);

        // The same events, processed by another Tally with Stripe up all along, make the same mirror and history.
        await using var replica = new ReplicaTallyFactory(factory);
        await replica.InitializeAsync();
        var client = replica.ClientFor(null);
        var stored = (await factory.WithDbAsync(db => db.Set<WebhookEvent>().Select(e => e.StripeEventId).ToListAsync(Ct))).ToHashSet(StringComparer.Ordinal);
        foreach (var e in (await StoredEventsAsync(stripe)).Where(e => stored.Contains(System.Text.Json.JsonDocument.Parse(e).RootElement.GetProperty("id").GetString()!)))
        {
            using var response = await PostAsync(client, e, Sign(e));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.TrueAsync(() => replica.WithDbAsync(db => db.Set<WebhookEvent>().AllAsync(w => w.Status == WebhookStatus.Processed || w.Status == WebhookStatus.Ignored, Ct)),
            "the replica to process every event");
        Assert.Equal(await MirrorDump.OfAsync(replica), await MirrorDump.OfAsync(factory));
    }
}
