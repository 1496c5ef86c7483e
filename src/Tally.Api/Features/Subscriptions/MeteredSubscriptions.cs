using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Subscriptions;

internal enum SubscriptionOutcome
{
    Created,
    NoCustomer,
    NoDefaultPrice,
    UnknownPrice,
    IdempotencyKeyReused,
    PriceNotAllowed,
    AlreadySubscribed,
}

internal sealed record SubscriptionResult(SubscriptionOutcome Outcome, SubscriptionResponse? Subscription = null);

/// <summary>
/// Creates a user's metered subscription (the seed's <c>create_metered_subscription</c>) and mirrors it
/// with its subscription item. A client <c>Idempotency-Key</c> becomes the Stripe idempotency key
/// (hashed, per user), so a retry gets Stripe's first answer and nothing new is created; Stripe keeps
/// keys for at least 24 hours, which bounds the retry window.
/// </summary>
/// <remarks>
/// Only prices of the <see cref="PriceAllowList"/>, and at most one live subscription per user and price
/// (checked under the per-user lock against the mirror, which the creation updates before the lock is
/// released). A retry with the same key finds its own subscription by the <c>tally_request</c> metadata.
/// </remarks>
internal sealed class MeteredSubscriptions(
    TallyDbContext db, StripeGateway gateway, MirrorUpdates mirror, StripeAccount account, UserAccounts users, PriceAllowList allowList, UserLocks locks)
{
    private static readonly string[] Ended = ["canceled", "incomplete_expired"];

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

        if (!await allowList.AllowsAsync(price, ct))
        {
            return new(SubscriptionOutcome.PriceNotAllowed);
        }

        // Serialised per user so that two requests with one key do not race into Stripe's 409 "in flight".
        using var held = await locks.AcquireAsync(userId, ct);
        var request = idempotencyKey is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
        if (await LiveSubscriptionAsync(customerId, price, ct) is { } live)
        {
            // The answer to a retry of the request that created it; any other request is a second subscription.
            return request is not null && (await gateway.GetSubscriptionAsync(live.StripeSubscriptionId, ct))?.Metadata.GetValueOrDefault(StripeMarker.RequestKey) == request
                ? new(SubscriptionOutcome.Created, live.ToResponse())
                : new(SubscriptionOutcome.AlreadySubscribed);
        }

        var created = await gateway.CreateSubscriptionAsync(customerId, price, userId, StripeKey(userId, request), request, ct);
        return created.Outcome switch
        {
            StripeOutcome.Ok => new(SubscriptionOutcome.Created, (await mirror.ApplyCreatedSubscriptionAsync(created.Value!, ct)).ToResponse()),
            StripeOutcome.IdempotencyKeyReused => new(SubscriptionOutcome.IdempotencyKeyReused),
            _ => new(SubscriptionOutcome.UnknownPrice),
        };
    }

    private Task<Subscription?> LiveSubscriptionAsync(string customerId, string priceId, CancellationToken ct) =>
        db.MirroredSubscriptions().Where(s => s.StripeCustomerId == customerId && !Ended.Contains(s.Status)
                && (s.PriceId == priceId || db.MirroredSubscriptionItems().Any(i => i.StripeSubscriptionId == s.StripeSubscriptionId && i.PriceId == priceId && !i.Deleted)))
            .OrderByDescending(s => s.Id).FirstOrDefaultAsync(ct);

    private static string StripeKey(long userId, string? request)
    {
        var id = userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // No client key: still one key per attempt, so Stripe.net's own retries never create twice.
        return request is null ? $"tally-subscription-{id}-{Guid.NewGuid():N}" : $"tally-subscription-{id}-{request}";
    }
}
