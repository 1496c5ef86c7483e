using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Usage;

/// <summary>A metered subscription item a user may report against, as the mirror has it.</summary>
internal sealed record UsageTarget(
    string ItemId, string SubscriptionId, string Status, string CustomerId, string PriceId, string MeterId, string Currency, decimal? UnitAmount,
    string? Interval, long IntervalCount, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd, DateTimeOffset Created,
    string? BillingScheme = null)
{
    private static readonly string[] Reportable = ["active", "trialing", "past_due"];

    public bool IsReportable => Reportable.Contains(Status);

    /// <summary>The billing period holding <paramref name="t"/>, stepping from the mirrored current period by the price's interval.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) PeriodOf(DateTimeOffset t)
    {
        var (start, end) = (CurrentPeriodStart ?? Created, CurrentPeriodEnd ?? Step(CurrentPeriodStart ?? Created, 1));
        for (var i = 0; i < 1_000 && t < start; i++)
        {
            (start, end) = (Step(start, -1), start);
        }

        for (var i = 0; i < 1_000 && t >= end; i++)
        {
            (start, end) = (end, Step(end, 1));
        }

        return (start, end);
    }

    private DateTimeOffset Step(DateTimeOffset from, int direction)
    {
        var n = (int)Math.Max(1, IntervalCount) * direction;
        return Interval switch
        {
            "day" => from.AddDays(n),
            "week" => from.AddDays(7 * n),
            "year" => from.AddYears(n),
            _ => from.AddMonths(n),
        };
    }
}

/// <summary>
/// The metered items of a user's subscriptions, read from the mirror (cached briefly per user: the hot
/// path). A singleton that opens a database scope only on a cache miss, so a report answered from the
/// cache rents no DbContext.
/// </summary>
internal sealed class UsageTargets(IServiceScopeFactory scopes, IMemoryCache cache)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<UsageTarget>> OfUserAsync(long userId, string? customerId, CancellationToken ct)
    {
        var key = (typeof(UsageTargets), userId, customerId);
        if (cache.TryGetValue(key, out IReadOnlyList<UsageTarget>? known))
        {
            return known!;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var rows = await (
            from s in db.MirroredSubscriptions()
            where s.UserId == userId || (customerId != null && s.StripeCustomerId == customerId)
            join i in db.MirroredSubscriptionItems() on s.StripeSubscriptionId equals i.StripeSubscriptionId
            where !i.Deleted
            join p in db.MirroredPrices() on i.PriceId equals p.StripePriceId
            where p.UsageType == "metered" && p.MeterId != null
            select new UsageTarget(
                i.StripeSubscriptionItemId, s.StripeSubscriptionId, s.Status, s.StripeCustomerId, p.StripePriceId, p.MeterId!, p.Currency,
                p.UnitAmountDecimal ?? p.UnitAmount, p.RecurringInterval, p.RecurringIntervalCount, i.CurrentPeriodStart, i.CurrentPeriodEnd,
                i.StripeCreated, p.BillingScheme)).ToListAsync(ct);
        cache.Set(key, (IReadOnlyList<UsageTarget>)rows, CacheLifetime);
        return rows;
    }

    /// <summary>Whether Stripe has already finalised the invoice of the subscription's period ending at <paramref name="periodEnd"/> (as mirrored).</summary>
    public async Task<bool> IsInvoicedAsync(string subscriptionId, DateTimeOffset periodEnd, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TallyDbContext>().MirroredInvoices()
            .AnyAsync(i => i.StripeSubscriptionId == subscriptionId && i.PeriodEnd == periodEnd && i.Status != "draft", ct);
    }
}
