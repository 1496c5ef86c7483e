using Microsoft.EntityFrameworkCore;
using Stripe;
using Stripe.TestHelpers;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.WebhookKit;
using Subscription = Tally.Api.Features.Mirror.Subscription;

namespace Tally.Api.Tests.Webhooks;

/// <summary>Changes made in Stripe (the emulator) reach the mirror through webhooks alone.</summary>
public sealed class WebhookMirrorTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StripeClient Stripe => factory.Stripe;

    private async Task<(string ClockId, string CustomerId)> CustomerOnClockAsync(string name)
    {
        var clock = await Stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = name, Email = $"{name}@example.test", TestClock = clock.Id }, cancellationToken: Ct);
        return (clock.Id, customer.Id);
    }

    private async Task AdvanceAsync(string clockId, DateTime to)
    {
        var clock = await Stripe.V1.TestHelpers.TestClocks.AdvanceAsync(clockId, new TestClockAdvanceOptions { FrozenTime = to }, cancellationToken: Ct);
        await Eventually.TrueAsync(async () => (clock = await Stripe.V1.TestHelpers.TestClocks.GetAsync(clockId, cancellationToken: Ct)).Status == "ready", "the test clock to be ready");
    }

    [Fact]
    public async Task SubscriptionCreatedInStripe_AppearsWithItsItem_AndCancelClosesItsHistory()
    {
        var (clockId, customerId) = await CustomerOnClockAsync("lovelace");
        var sub = await Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customerId, Items = [new SubscriptionItemOptions { Price = factory.PriceId }] }, cancellationToken: Ct);

        await Eventually.TrueAsync(() => factory.WithDbAsync(db => db.Set<Subscription>().AnyAsync(s => s.StripeSubscriptionId == sub.Id && s.StripeSubscriptionItemId == sub.Items.Data[0].Id, Ct)),
            "the subscription and its item in the mirror");
        var mirrored = await factory.WithDbAsync(db => db.Set<Subscription>().AsNoTracking().SingleAsync(s => s.StripeSubscriptionId == sub.Id, Ct));
        Assert.Equal("active", mirrored.Status);
        Assert.Equal(customerId, mirrored.StripeCustomerId);
        Assert.Equal(factory.PriceId, mirrored.PriceId);
        Assert.Equal(new DateTimeOffset(T0), mirrored.CurrentPeriodStart);

        await AdvanceAsync(clockId, T0.AddDays(3));
        await Stripe.V1.Subscriptions.CancelAsync(sub.Id, cancellationToken: Ct);

        await Eventually.TrueAsync(() => factory.WithDbAsync(db => db.Set<Subscription>().AnyAsync(s => s.StripeSubscriptionId == sub.Id && s.Status == "canceled", Ct)),
            "the cancellation in the mirror");
        await DrainedAsync(factory);
        var history = await factory.WithDbAsync(db => db.Set<SubscriptionHistory>().AsNoTracking().Where(h => h.StripeSubscriptionId == sub.Id).OrderBy(h => h.ValidFrom).ToListAsync(Ct));
        Assert.Equal(2, history.Count);
        Assert.Equal(("active", new DateTimeOffset(T0), (DateTimeOffset?)new DateTimeOffset(T0.AddDays(3))), (history[0].Status, history[0].ValidFrom, history[0].ValidTo));
        Assert.Equal(("canceled", new DateTimeOffset(T0.AddDays(3)), (DateTimeOffset?)null), (history[1].Status, history[1].ValidFrom, history[1].ValidTo));
    }

    [Fact]
    public async Task EveryEventDeliveredTwice_IsHandledOnce()
    {
        factory.Emulator.Control.DeliverTwice = true;
        try
        {
            var (_, customerId) = await CustomerOnClockAsync("twice");
            var sub = await Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customerId, Items = [new SubscriptionItemOptions { Price = factory.PriceId }] }, cancellationToken: Ct);
            await DrainedAsync(factory);

            var deliveries = factory.Emulator.Control.WebhookDeliveries.Where(d => d.Status == 200).GroupBy(d => d.EventId).ToDictionary(g => g.Key, g => g.Count());
            var ours = await StoredEventsAsync(Stripe);
            var subEvents = ours.Where(e => e.Contains(sub.Id, StringComparison.Ordinal)).Select(e => System.Text.Json.JsonDocument.Parse(e).RootElement.GetProperty("id").GetString()!).ToList();
            Assert.NotEmpty(subEvents);
            Assert.All(subEvents, id => Assert.True(deliveries.GetValueOrDefault(id) >= 2, $"{id} was delivered {deliveries.GetValueOrDefault(id)} times"));
            var rows = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => subEvents.Contains(e.StripeEventId)).ToListAsync(Ct));
            Assert.Equal(subEvents.Count, rows.Count);
            Assert.All(rows, r => Assert.Equal((WebhookStatus.Processed, 1), (r.Status, r.Attempts)));
            Assert.Equal(1, await factory.WithDbAsync(db => db.Set<Subscription>().CountAsync(s => s.StripeSubscriptionId == sub.Id && s.Status == "active", Ct)));
        }
        finally
        {
            factory.Emulator.Control.DeliverTwice = false;
        }
    }

    [Fact]
    public async Task UpdatedArrivingBeforeCreated_EndsWithTheCurrentStateAndOrderedHistory()
    {
        factory.Emulator.Control.WebhooksPaused = true;
        string subId;
        List<string> events;
        try
        {
            var (clockId, customerId) = await CustomerOnClockAsync("reverse");
            var sub = await Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customerId, Items = [new SubscriptionItemOptions { Price = factory.PriceId }] }, cancellationToken: Ct);
            subId = sub.Id;
            await AdvanceAsync(clockId, T0.AddDays(2));
            await Stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
            events = (await StoredEventsAsync(Stripe)).Where(e => e.Contains("\"customer.subscription.", StringComparison.Ordinal) && e.Contains(sub.Id, StringComparison.Ordinal)).ToList();
            Assert.Equal(2, events.Count);
            Assert.Contains("customer.subscription.created", events[0], StringComparison.Ordinal);

            // Deliver them ourselves, newest first, before the emulator does.
            var client = factory.ClientFor(null);
            foreach (var e in Enumerable.Reverse(events))
            {
                using var response = await PostAsync(client, e, Sign(e));
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                await Eventually.TrueAsync(() => factory.WithDbAsync(db => db.Set<WebhookEvent>().AllAsync(w => w.Status != WebhookStatus.Pending, Ct)), "the event to be processed");
            }
        }
        finally
        {
            factory.Emulator.Control.WebhooksPaused = false;
        }

        await DrainedAsync(factory);
        var mirrored = await factory.WithDbAsync(db => db.Set<Subscription>().AsNoTracking().SingleAsync(s => s.StripeSubscriptionId == subId, Ct));
        Assert.True(mirrored.CancelAtPeriodEnd);
        Assert.Equal("active", mirrored.Status);
        var history = await factory.WithDbAsync(db => db.Set<SubscriptionHistory>().AsNoTracking().Where(h => h.StripeSubscriptionId == subId).OrderBy(h => h.ValidFrom).ToListAsync(Ct));
        Assert.Equal(2, history.Count);
        Assert.Equal((false, new DateTimeOffset(T0), (DateTimeOffset?)new DateTimeOffset(T0.AddDays(2))), (history[0].CancelAtPeriodEnd, history[0].ValidFrom, history[0].ValidTo));
        Assert.Equal((true, (DateTimeOffset?)null), (history[1].CancelAtPeriodEnd, history[1].ValidTo));
    }

    [Fact]
    public async Task ObjectsDeletedInStripe_AreMarkedDeleted_KeepingWhatTheEventSaid()
    {
        var customer = await Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Gone", Email = "gone@example.test" }, cancellationToken: Ct);
        var product = await Stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Short-lived" }, cancellationToken: Ct);
        await Eventually.TrueAsync(() => factory.WithDbAsync(async db =>
            await db.Set<Features.Mirror.MirroredCustomer>().AnyAsync(c => c.StripeCustomerId == customer.Id, Ct) &&
            await db.Set<Features.Mirror.MirroredProduct>().AnyAsync(p => p.StripeProductId == product.Id, Ct)), "the customer and product in the mirror");

        await Stripe.V1.Customers.DeleteAsync(customer.Id, cancellationToken: Ct);
        await Stripe.V1.Products.DeleteAsync(product.Id, cancellationToken: Ct);

        await Eventually.TrueAsync(() => factory.WithDbAsync(async db =>
            await db.Set<Features.Mirror.MirroredCustomer>().AnyAsync(c => c.StripeCustomerId == customer.Id && c.Deleted, Ct) &&
            await db.Set<Features.Mirror.MirroredProduct>().AnyAsync(p => p.StripeProductId == product.Id && p.Deleted, Ct)), "both marked deleted");
        var mirrored = await factory.WithDbAsync(db => db.Set<Features.Mirror.MirroredCustomer>().AsNoTracking().SingleAsync(c => c.StripeCustomerId == customer.Id, Ct));
        Assert.Equal(("gone@example.test", "Gone"), (mirrored.Email, mirrored.Name));
        var mirroredProduct = await factory.WithDbAsync(db => db.Set<Features.Mirror.MirroredProduct>().AsNoTracking().SingleAsync(p => p.StripeProductId == product.Id, Ct));
        Assert.Equal("Short-lived", mirroredProduct.Name);
    }
}
