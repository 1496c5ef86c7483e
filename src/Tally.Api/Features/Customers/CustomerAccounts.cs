using System.Net;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Customers;

/// <summary>
/// One Stripe customer per user. Creation is serialised per user on this instance; across instances
/// the gateway's idempotency key (<c>tally-customer-{userId}</c>) makes every attempt name the same
/// customer, and the conditional update of <c>users.stripe_customer_id</c> (unique) stores it once.
/// </summary>
internal sealed class CustomerAccounts(
    TallyDbContext db, StripeGateway gateway, MirrorWriter mirror, UserDirectory users, UserLocks locks, TimeProvider clock,
    ILogger<CustomerAccounts> logger)
{
    private const int MaxAttempts = 5;

    /// <summary>Tries at writing the mirrored customer when other writers race on its row (several instances, the webhook processor).</summary>
    private const int MirrorWriteAttempts = 10;

    /// <summary>The user's stored customer id, read from the database (the cached profile may lag on other instances).</summary>
    public Task<string?> CustomerIdOfAsync(long userId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.StripeCustomerId).FirstOrDefaultAsync(ct);

    public async Task<CreateCustomerResponse> EnsureCustomerAsync(long userId, CancellationToken ct)
    {
        using var held = await locks.AcquireAsync(userId, ct);
        for (var attempt = 1; ; attempt++)
        {
            var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, ct);
            if (user.StripeCustomerId is { } existing)
            {
                return await KnownCustomerAsync(existing, ct);
            }

            CustomerRecord created;
            try
            {
                created = await gateway.CreateCustomerAsync(userId, user.Email, user.FullName, ct);
            }
            catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                // Another instance's request with the same idempotency key is still in flight (Stripe.net
                // already retried): wait, then either read what it stored or get its replayed answer.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), clock, ct);
                continue;
            }

            var stored = await StoreCustomerIdAsync(user, created.Id, ct);
            if (stored != created.Id)
            {
                logger.LogWarning("User {UserId} already had Stripe customer {StripeCustomerId}; customer {UnusedStripeCustomerId} is not used",
                    userId, stored, created.Id);
                return await KnownCustomerAsync(stored, ct);
            }

            await RefreshMirrorAsync(created, ct);
            return new CreateCustomerResponse(created.Id, created.Email, created.Created);
        }
    }

    public async Task<PaymentMethodRecord> AttachPaymentMethodAsync(string customerId, string paymentMethodId, bool setDefault, CancellationToken ct)
    {
        var pm = await gateway.AttachPaymentMethodAsync(customerId, paymentMethodId, setDefault, ct);
        if (setDefault)
        {
            await RefreshMirrorAsync(await gateway.GetCustomerAsync(customerId, ct), ct);
        }

        return pm;
    }

    /// <summary>
    /// Applies a customer just read from Stripe to the mirror. The read is at least as new as any
    /// event applied so far; its <c>created</c> is the floor (test-clock customers have events in clock time).
    /// </summary>
    public async Task RefreshMirrorAsync(CustomerRecord customer, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var seen = await db.Set<MirroredCustomer>().AsNoTracking().Where(c => c.StripeCustomerId == customer.Id)
                    .Select(c => (DateTimeOffset?)c.SourceTimestamp).FirstOrDefaultAsync(ct);
                var asOf = seen is { } s && s > customer.Created ? s : customer.Created;
                await mirror.UpsertCustomerAsync(customer, asOf, ct);
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException ex) when (attempt < MirrorWriteAttempts && (ex.IsUniqueViolation() || ex is DbUpdateConcurrencyException))
            {
                // The webhook processor, or another instance's request, wrote the same customer meanwhile:
                // read its row again and apply ours over it. Each round one of the racing writers wins.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Stores the id unless the user has one already; returns the id the user ends up with.</summary>
    private async Task<string> StoreCustomerIdAsync(User user, string customerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        int updated;
        try
        {
            updated = await db.Users.Where(u => u.Id == user.Id && u.StripeCustomerId == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(u => u.StripeCustomerId, customerId)
                    .SetProperty(u => u.UpdatedAt, now)
                    .SetProperty(u => u.Version, u => u.Version + 1), ct);
        }
        catch (Exception ex) when (UniqueViolations.Is(ex))
        {
            updated = 0;
        }

        if (updated == 1)
        {
            users.Invalidate(user.Subject);
            return customerId;
        }

        return await CustomerIdOfAsync(user.Id, ct)
            ?? throw new InvalidOperationException($"Stripe customer {customerId} could not be stored for user {user.Id}.");
    }

    private async Task<CreateCustomerResponse> KnownCustomerAsync(string customerId, CancellationToken ct)
    {
        var row = await db.Set<MirroredCustomer>().AsNoTracking().FirstOrDefaultAsync(c => c.StripeCustomerId == customerId, ct);
        if (row is not null)
        {
            return new CreateCustomerResponse(customerId, row.Email, row.StripeCreated);
        }

        var customer = await gateway.GetCustomerAsync(customerId, ct);
        await RefreshMirrorAsync(customer, ct);
        return new CreateCustomerResponse(customer.Id, customer.Email, customer.Created);
    }
}

internal static class UniqueViolations
{
    /// <summary>A unique-index violation, whether EF wrapped it (SaveChanges) or not (ExecuteUpdate).</summary>
    public static bool Is(Exception ex) => ex switch
    {
        DbUpdateException update => update.IsUniqueViolation(),
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
