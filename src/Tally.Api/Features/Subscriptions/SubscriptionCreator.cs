using System.Globalization;
using Stripe;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Subscriptions;

/// <summary>
/// Creates a subscription like <see cref="StripeGateway.CreateSubscriptionAsync"/>, but without
/// <c>expand[]=discounts</c>: the emulator refuses that expansion (400 "This property cannot be
/// expanded (discounts)"), and a subscription created without discounts has none to expand.
/// Fold back into the gateway once the emulator expands <c>subscription.discounts</c>.
/// </summary>
internal sealed class SubscriptionCreator(StripeClient stripe)
{
    public async Task<SubscriptionRecord> CreateAsync(string customerId, string priceId, long userId, string idempotencyKey, CancellationToken ct)
    {
        var subscription = await stripe.V1.Subscriptions.CreateAsync(
            new SubscriptionCreateOptions
            {
                Customer = customerId,
                Items = [new SubscriptionItemOptions { Price = priceId }],
                Metadata = new() { ["user_id"] = userId.ToString(CultureInfo.InvariantCulture) },
            },
            new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
        return subscription.ToRecord();
    }
}
