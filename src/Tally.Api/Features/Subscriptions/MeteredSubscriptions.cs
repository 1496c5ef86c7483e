using System.Security.Cryptography;
using System.Text;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Subscriptions;

internal enum SubscriptionOutcome
{
    Created,
    NoCustomer,
    NoDefaultPrice,
    UnknownPrice,
    IdempotencyKeyReused,
}

internal sealed record SubscriptionResult(SubscriptionOutcome Outcome, SubscriptionResponse? Subscription = null);

/// <summary>
/// Creates a user's metered subscription (the seed's <c>create_metered_subscription</c>) and mirrors it
/// with its subscription item. A client <c>Idempotency-Key</c> becomes the Stripe idempotency key
/// (hashed, per user), so a retry gets Stripe's first answer and nothing new is created; Stripe keeps
/// keys for at least 24 hours, which bounds the retry window.
/// </summary>
internal sealed class MeteredSubscriptions(StripeGateway gateway, MirrorUpdates mirror, StripeAccount account, UserAccounts users, UserLocks locks)
{
    public async Task<SubscriptionResult> CreateMeteredSubscriptionAsync(long userId, string? priceId, string? idempotencyKey, CancellationToken ct)
    {
        var customerId = await users.StripeCustomerIdOfAsync(userId, ct);
        if (customerId is null)
        {
            return new(SubscriptionOutcome.NoCustomer);
        }

        var price = priceId ?? account.PriceMeteredId;
        if (price is null)
        {
            return new(SubscriptionOutcome.NoDefaultPrice);
        }

        // Serialised per user so that two requests with one key do not race into Stripe's 409 "in flight".
        using var held = await locks.AcquireAsync(userId, ct);
        var created = await gateway.CreateSubscriptionAsync(customerId, price, userId, StripeKey(userId, idempotencyKey), ct);
        return created.Outcome switch
        {
            StripeOutcome.Ok => new(SubscriptionOutcome.Created, (await mirror.ApplyCreatedSubscriptionAsync(created.Value!, ct)).ToResponse()),
            StripeOutcome.IdempotencyKeyReused => new(SubscriptionOutcome.IdempotencyKeyReused),
            _ => new(SubscriptionOutcome.UnknownPrice),
        };
    }

    private static string StripeKey(long userId, string? clientKey)
    {
        var id = userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (clientKey is null)
        {
            // No client key: still one key per attempt, so Stripe.net's own retries never create twice.
            return $"tally-subscription-{id}-{Guid.NewGuid():N}";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientKey)));
        return $"tally-subscription-{id}-{hash}";
    }
}
