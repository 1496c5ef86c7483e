using System.Collections.Concurrent;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Usage;

/// <summary>
/// What a price puts on a quantity, in minor units, rounded half away from zero: per-unit prices from
/// the mirror; tiered ones (Stripe's <c>tiers_mode</c> <c>graduated</c> or <c>volume</c>) from their
/// tiers, which the mirror does not keep: read once per price from Stripe (tiers never change).
/// </summary>
internal sealed class UsagePricing(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<string, PriceTiersRecord> tiers = new(StringComparer.Ordinal);

    /// <summary>The amount of <paramref name="quantity"/> (a negative total counts as 0), or null when the price's tiers cannot be read now.</summary>
    public async Task<long?> EstimateAsync(UsageTarget target, decimal quantity, CancellationToken ct)
    {
        var q = Math.Max(0, quantity);
        if (target.BillingScheme != "tiered")
        {
            return target.UnitAmount is { } unit ? Round(unit * q) : null;
        }

        if (!tiers.TryGetValue(target.PriceId, out var price))
        {
            await using var scope = scopes.CreateAsyncScope();
            price = await scope.ServiceProvider.GetRequiredService<StripeGateway>().GetPriceTiersAsync(target.PriceId, ct);
            if (price is null)
            {
                return null;
            }

            tiers[target.PriceId] = price;
        }

        return Round(Amount(price, q));
    }

    /// <summary>
    /// Stripe's tiered amount, unrounded: <c>volume</c> prices the whole quantity at the tier it falls in
    /// (plus that tier's flat amount); <c>graduated</c> prices each tier's share at its own rate (plus the
    /// flat amount of every tier the quantity reaches). Nothing for no usage.
    /// </summary>
    internal static decimal Amount(PriceTiersRecord price, decimal quantity)
    {
        if (quantity <= 0 || price.Tiers.Count == 0)
        {
            return 0;
        }

        if (price.Mode == "volume")
        {
            var tier = price.Tiers.FirstOrDefault(t => t.UpTo is not { } upTo || quantity <= upTo) ?? price.Tiers[^1];
            return quantity * tier.UnitAmount + tier.FlatAmount;
        }

        decimal amount = 0, floor = 0;
        foreach (var t in price.Tiers)
        {
            if (quantity <= floor)
            {
                break;
            }

            var ceiling = t.UpTo is { } upTo ? Math.Min(quantity, upTo) : quantity;
            amount += (ceiling - floor) * t.UnitAmount + t.FlatAmount;
            floor = ceiling;
        }

        return amount;
    }

    private static long Round(decimal amount) => (long)Math.Round(amount, MidpointRounding.AwayFromZero);
}
