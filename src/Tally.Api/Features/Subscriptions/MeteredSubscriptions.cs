using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Customers;
using Tally.Api.Features.Mirror;
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
}

internal sealed record SubscriptionResult(SubscriptionOutcome Outcome, SubscriptionResponse? Subscription = null);

/// <summary>
/// Creates a user's metered subscription (the seed's <c>create_metered_subscription</c>) and mirrors it
/// with its subscription item. A client <c>Idempotency-Key</c> becomes the Stripe idempotency key
/// (hashed, per user), so a retry gets Stripe's first answer and nothing new is created; Stripe keeps
/// keys for at least 24 hours, which bounds the retry window.
/// </summary>
internal sealed class MeteredSubscriptions(
    TallyDbContext db, StripeGateway gateway, MirrorWriter mirror, StripeAccount account, CustomerAccounts customers, UserLocks locks)
{
    public async Task<SubscriptionResult> CreateMeteredSubscriptionAsync(long userId, string? priceId, string? idempotencyKey, CancellationToken ct)
    {
        var customerId = await customers.CustomerIdOfAsync(userId, ct);
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
        SubscriptionRecord created;
        try
        {
            created = await gateway.CreateSubscriptionAsync(customerId, price, userId, StripeKey(userId, idempotencyKey), ct);
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "idempotency_error")
        {
            return new(SubscriptionOutcome.IdempotencyKeyReused);
        }
        catch (StripeException ex) when (ex.StripeError is { Type: "invalid_request_error" } e
            && (e.Param?.StartsWith("items", StringComparison.Ordinal) == true || e.Param == "price"))
        {
            return new(SubscriptionOutcome.UnknownPrice);
        }

        return new(SubscriptionOutcome.Created, (await StoreAsync(created, ct)).ToResponse());
    }

    private async Task<Subscription> StoreAsync(SubscriptionRecord s, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // created is the floor of Stripe time for this object (events of test-clock customers carry clock time).
                var row = await mirror.UpsertSubscriptionAsync(s, s.Created, ct);
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException ex) when (attempt < 3 && (ex.IsUniqueViolation() || ex is DbUpdateConcurrencyException))
            {
                // The webhook processor stored the same subscription meanwhile: apply ours over its row.
                db.ChangeTracker.Clear();
            }
        }
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
