using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

/// <summary>
/// Complete units of work for features that have just read or created a Stripe object through the
/// gateway and want the mirror to show it at once (the webhook that follows may take a moment). Each
/// one saves; a race with the webhook processor or another instance is retried over the winner's row.
/// </summary>
internal sealed class MirrorUpdates(TallyDbContext db, MirrorWriter mirror)
{
    /// <summary>Racing writers on one customer row (several instances, the webhook processor): tries until one round is won.</summary>
    private const int CustomerAttempts = 10;

    private const int SubscriptionAttempts = 3;

    /// <summary>
    /// Applies a customer just read from Stripe. The read is at least as new as any event applied so
    /// far; its <c>created</c> is the floor (test-clock customers have events in clock time).
    /// </summary>
    public Task ApplyFetchedCustomerAsync(CustomerRecord customer, CancellationToken ct) =>
        db.RetryOnConflictAsync(CustomerAttempts, async () =>
        {
            var seen = await db.Set<MirroredCustomer>().AsNoTracking().Where(c => c.StripeCustomerId == customer.Id)
                .Select(c => (DateTimeOffset?)c.SourceTimestamp).FirstOrDefaultAsync(ct);
            await mirror.UpsertCustomerAsync(customer, seen is { } s && s > customer.Created ? s : customer.Created, ct);
            await db.SaveChangesAsync(ct);
        });

    /// <summary>Applies a subscription just created; <c>created</c> is the floor of Stripe time for it.</summary>
    public Task<Subscription> ApplyCreatedSubscriptionAsync(SubscriptionRecord subscription, CancellationToken ct) =>
        db.RetryOnConflictAsync(SubscriptionAttempts, async () =>
        {
            var row = await mirror.UpsertSubscriptionAsync(subscription, subscription.Created, ct);
            await db.SaveChangesAsync(ct);
            return row;
        });

    /// <summary>Mirrors a price fetched because the mirror had never seen it.</summary>
    public async Task ApplyFetchedPriceAsync(PriceRecord price, CancellationToken ct)
    {
        await mirror.UpsertPriceAsync(price, price.Created, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Mirrored concurrently by a webhook or another reader: theirs is just as good.
        }
    }
}
