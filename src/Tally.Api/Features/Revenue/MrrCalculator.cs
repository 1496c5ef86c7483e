using Tally.Api.Features.Mirror;

namespace Tally.Api.Features.Revenue;

/// <summary>A price's recurring terms, as the mirror holds them.</summary>
internal sealed record PriceTerms(string Currency, long? UnitAmount, decimal? UnitAmountDecimal, string? Interval, long IntervalCount, string? UsageType)
{
    public bool Metered => UsageType == "metered";

    public decimal? Amount => UnitAmountDecimal ?? UnitAmount;

    public static PriceTerms From(MirroredPrice p) =>
        new(p.Currency, p.UnitAmount, p.UnitAmountDecimal, p.RecurringInterval, Math.Max(1, p.RecurringIntervalCount), p.UsageType);
}

/// <summary>
/// <c>sub_mrr(s, t)</c> of <c>revenue-metrics.md</c> §3.2–3.5: a pure function of one recorded state,
/// the prices and the policy, in the subscription's minor units, unrounded.
/// </summary>
internal static class MrrCalculator
{
    /// <summary>The eligibility predicate <c>E(s, t)</c> (§3.2) for a state valid at <paramref name="t"/>.</summary>
    public static bool Eligible(SubscriptionState s, DateTimeOffset t, RevenuePolicy policy) =>
        s.Status is "active" or "past_due"
        && (s.EndedAt is null || s.EndedAt > t)
        && (s.TrialEnd is null || s.TrialEnd <= t)
        && !(policy.CancelsAtRequest && s.CanceledAt is { } requested && requested <= t);

    /// <summary>The subscription's currency: its first priced item's.</summary>
    public static string? Currency(SubscriptionState s, IReadOnlyDictionary<string, PriceTerms> prices) =>
        s.Items.Select(i => prices.GetValueOrDefault(i.Price)?.Currency).FirstOrDefault(c => c is not null);

    /// <param name="meteredMonthly">The last completed period's usage amount, per month (used only when the policy includes metered usage).</param>
    public static decimal SubMrr(
        SubscriptionState s, DateTimeOffset t, IReadOnlyDictionary<string, PriceTerms> prices, RevenuePolicy policy, decimal meteredMonthly = 0m)
    {
        if (!Eligible(s, t, policy))
        {
            return 0m;
        }

        var total = 0m;
        PriceTerms? billing = null;
        foreach (var item in s.Items)
        {
            if (prices.GetValueOrDefault(item.Price) is not { } price)
            {
                continue;
            }

            billing ??= price;
            if (!price.Metered && price.Amount is { } amount)
            {
                total += Monthly(amount * (item.Quantity ?? 1), price, policy);
            }
        }

        if (policy.IncludeMeteredInMrr)
        {
            total += meteredMonthly;
        }

        var currency = billing?.Currency;
        foreach (var d in s.Discounts)
        {
            if (!policy.DiscountDurationsSubtracted.Contains(d.Duration) || !d.InForce(t))
            {
                continue;
            }

            if (d.PercentOff is { } percent)
            {
                total *= 1m - (percent / 100m);
            }

            if (d.AmountOff is { } off && billing is not null && (d.Currency is null || d.Currency == currency))
            {
                total -= Monthly(off, billing, policy);
            }
        }

        return Math.Max(0m, total);
    }

    /// <summary>An amount per billing interval, per month: multiply first, divide last (30 000 / 3 stays 10 000).</summary>
    public static decimal Monthly(decimal amount, PriceTerms price, RevenuePolicy policy)
    {
        var (num, den) = policy.PerMonth(price.Interval);
        return amount * num / (den * price.IntervalCount);
    }
}
