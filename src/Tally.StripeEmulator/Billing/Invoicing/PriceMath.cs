using Tally.StripeEmulator.Billing.Domain;

namespace Tally.StripeEmulator.Billing.Invoicing;

/// <summary>
/// Unrounded amount (minor units) of a quantity under a price's tiers or transform_quantity:
/// volume = the whole quantity at the tier it falls in (+ that tier's flat fee); graduated = each
/// tier's share at its own rate (+ the flat fee of every tier reached); transform_quantity divides
/// the quantity first and rounds it up or down.
/// </summary>
internal static class PriceMath
{
    public static decimal Exact(PriceInfo price, decimal quantity)
    {
        if (price.TransformDivideBy is { } divideBy && divideBy > 0)
        {
            var q = quantity / divideBy;
            quantity = price.TransformRound == "down" ? decimal.Floor(q) : decimal.Ceiling(q);
        }
        return price.TiersMode switch
        {
            "volume" => Volume(price.Tiers, quantity),
            "graduated" => Graduated(price.Tiers, quantity),
            _ => quantity * price.UnitAmountDecimal,
        };
    }

    private static decimal Volume(IReadOnlyList<PriceTier> tiers, decimal quantity)
    {
        if (quantity <= 0 || tiers.Count == 0)
        {
            return 0;
        }

        var tier = tiers.FirstOrDefault(t => t.UpTo is null || quantity <= t.UpTo) ?? tiers[^1];
        return quantity * tier.UnitAmountDecimal + tier.FlatAmountDecimal;
    }

    private static decimal Graduated(IReadOnlyList<PriceTier> tiers, decimal quantity)
    {
        decimal amount = 0, floor = 0;
        foreach (var t in tiers)
        {
            if (quantity <= floor)
            {
                break;
            }

            var ceiling = t.UpTo is { } up ? Math.Min(quantity, up) : quantity;
            amount += (ceiling - floor) * t.UnitAmountDecimal + t.FlatAmountDecimal;
            floor = ceiling;
        }
        return amount;
    }
}
