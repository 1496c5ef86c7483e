using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Revenue;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Revenue;

/// <summary>
/// The mirror writer tells Revenue what it stages (IMirrorChangeListener): one queue row per subscription or price
/// per unit of work, saved with the mirror's rows, again after a retry that cleared the change tracker, and none
/// for a price whose terms did not change; the projection then follows the mirror.
/// </summary>
public sealed class RevenueProjectionQueueTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static readonly DateTimeOffset T1 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneUnitOfWork_QueuesEachSubscriptionAndPriceOnce_AndTheProjectionFollows()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var price = new PriceRecord("price_q_" + suffix, null, "usd", 1000, 1000m, "recurring", "per_unit", "month", 1, "licensed", null, true, null, null, false, T1);
        var customer = new CustomerRecord("cus_q_" + suffix, $"q-{suffix}@example.test", "Queue", null, "usd", false, T1, new Dictionary<string, string>());
        SubscriptionRecord Sub(long quantity) => new("sub_q_" + suffix, customer.Id, "active", "usd",
            [new SubscriptionItemRecord("si_q_" + suffix, price, quantity, T1, T1.AddMonths(1), T1)], [], false, null, null, null, null, null, T1, null, T1,
            new Dictionary<string, string>());

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            var mirror = scope.ServiceProvider.GetRequiredService<MirrorWriter>();
            async Task StageAsync()
            {
                await mirror.UpsertCustomerAsync(customer, T1, Ct);
                await mirror.UpsertSubscriptionAsync(Sub(2), T1.AddDays(10), Ct);
                await mirror.RecordHistoryAsync(Sub(1), T1, "evt_q1_" + suffix, "customer.subscription.created", Ct);
                await mirror.RecordHistoryAsync(Sub(2), T1.AddDays(10), "evt_q2_" + suffix, "customer.subscription.updated", Ct);
            }

            // The subscription mirrors its price the writer has not seen: both are queued once, for two history rows.
            await StageAsync();
            Assert.Equal(["p:" + price.Id, "s:" + Sub(1).Id], Queued(db));

            // A retry after a lost race clears the change tracker and stages everything again: the queue rows too.
            db.ChangeTracker.Clear();
            await StageAsync();
            Assert.Equal(["p:" + price.Id, "s:" + Sub(1).Id], Queued(db));
            await db.SaveChangesAsync(Ct);

            // Saved; the same price terms seen later (applied: a newer time) queue nothing.
            await mirror.UpsertPriceAsync(price, T1.AddDays(11), Ct);
            Assert.Empty(Queued(db));
        }

        Assert.Equal(2000m, await MrrAsync(Sub(1).Id, T1.AddDays(20)));
        Assert.Equal(1000m, await MrrAsync(Sub(1).Id, T1.AddDays(5)));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            await scope.ServiceProvider.GetRequiredService<MirrorWriter>().UpsertPriceAsync(price with { UnitAmount = 1500, UnitAmountDecimal = 1500m }, T1.AddDays(12), Ct);
            Assert.Equal(["p:" + price.Id], Queued(db));
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(3000m, await MrrAsync(Sub(1).Id, T1.AddDays(20)));
    }

    private static List<string> Queued(TallyDbContext db) => [.. db.ChangeTracker.Entries<ProjectionChange>().Where(e => e.State == EntityState.Added)
        .Select(e => e.Entity.SubscriptionId is { } s ? "s:" + s : "p:" + e.Entity.PriceId).Order(StringComparer.Ordinal)];

    /// <summary>The projected MRR (minor units) of one subscription at <paramref name="t"/>, after the projection has caught up.</summary>
    private async Task<decimal> MrrAsync(string subscriptionId, DateTimeOffset t)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<RevenueProjection>().CatchUpAsync(1000, Ct));
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        return await db.Set<SubscriptionMrrInterval>().AsNoTracking()
            .Where(i => i.SubscriptionId == subscriptionId && i.ValidFrom <= t && (i.ValidTo == null || i.ValidTo > t)).Select(i => i.Mrr).SingleAsync(Ct);
    }
}
