using Stripe;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>One tier of a tiered price; amounts in minor units (the <c>_decimal</c> field when Stripe gives one), <see cref="UpTo"/> null for the last.</summary>
internal sealed record PriceTierRecord(long? UpTo, decimal UnitAmount, decimal FlatAmount);

/// <summary>A tiered price's <c>tiers_mode</c> (<c>graduated</c> or <c>volume</c>) and its tiers in order.</summary>
internal sealed record PriceTiersRecord(string Mode, IReadOnlyList<PriceTierRecord> Tiers);

internal sealed partial class StripeGateway
{
    /// <summary>What a tiers fetch expands: Stripe leaves a price's tiers out unless asked.</summary>
    private static readonly List<string> TiersExpand = ["tiers"];

    /// <summary>A tiered price's tiers; null for an unknown price, one without tiers, or when Stripe cannot say now.</summary>
    public async Task<PriceTiersRecord?> GetPriceTiersAsync(string priceId, CancellationToken ct)
    {
        Price? price;
        try
        {
            price = await stripe.V1.Prices.GetAsync(priceId, new PriceGetOptions { Expand = TiersExpand }, cancellationToken: ct);
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException)
        {
            return null;
        }

        return price is { BillingScheme: "tiered", TiersMode: { } mode, Tiers.Count: > 0 }
            ? new PriceTiersRecord(mode, [.. price.Tiers.Select(t => new PriceTierRecord(
                t.UpTo, t.UnitAmountDecimal ?? t.UnitAmount ?? 0, t.FlatAmountDecimal ?? t.FlatAmount ?? 0))])
            : null;
    }
}
