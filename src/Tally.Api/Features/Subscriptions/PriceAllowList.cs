using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Subscriptions;

/// <summary>
/// The prices users may subscribe to: <c>TALLY_ALLOWED_PRICE_IDS</c> when set; otherwise
/// <c>STRIPE_PRICE_METERED_ID</c> and the active metered prices of <c>STRIPE_PRODUCT_ID</c>. Anything else
/// on the account (a $0 internal plan, another product's price) is refused before Stripe is asked.
/// </summary>
internal sealed class PriceAllowList(StripeAccount account, PriceCatalog catalog)
{
    public async Task<bool> AllowsAsync(string priceId, CancellationToken ct)
    {
        if (account.AllowedPriceIds is { } configured)
        {
            return configured.Contains(priceId);
        }

        if (priceId == account.PriceMeteredId)
        {
            return true;
        }

        return account.ProductId is { } product
            && await catalog.GetAsync(priceId, ct) is { Active: true, Deleted: false, UsageType: "metered" } price
            && price.ProductId == product;
    }
}
