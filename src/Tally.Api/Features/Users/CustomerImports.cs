using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Users;

internal enum CustomerImportOutcome
{
    Imported,
    Unchanged,
    UserNotFound,
    UserHasCustomer,
    CustomerHeld,
}

/// <summary>
/// An admin attaches an existing Stripe customer (one this installation did not create) to a user, on
/// purpose and audited: the only way such a customer is linked (ADR 9).
/// </summary>
internal sealed class CustomerImports(TallyDbContext db, UserDirectory directory, TimeProvider clock)
{
    private const int Attempts = 3;

    public Task<CustomerImportOutcome> ImportAsync(long userId, string customerId, long? actorUserId, string actor, CancellationToken ct) =>
        db.RetryOnConflictAsync(Attempts, async () =>
        {
            var user = await db.Set<User>().FirstOrDefaultAsync(u => u.Id == userId, ct);
            if (user is null)
            {
                return CustomerImportOutcome.UserNotFound;
            }

            if (user.StripeCustomerId == customerId)
            {
                return CustomerImportOutcome.Unchanged;
            }

            if (user.StripeCustomerId is not null)
            {
                return CustomerImportOutcome.UserHasCustomer;
            }

            if (await db.Set<User>().AnyAsync(u => u.StripeCustomerId == customerId, ct))
            {
                return CustomerImportOutcome.CustomerHeld;
            }

            var now = clock.GetUtcNow();
            user.StripeCustomerId = customerId;
            user.Touch(now);
            db.Add(new AuditLogEntry
            {
                ActorUserId = actorUserId,
                Actor = actor,
                Action = "user.stripe_customer_imported",
                TargetType = "user",
                TargetId = user.Id.ToString(CultureInfo.InvariantCulture),
                NewValue = customerId,
                CreatedAt = now,
            });
            await db.SaveChangesAsync(ct);
            directory.Invalidate(user.Subject);
            return CustomerImportOutcome.Imported;
        });
}
