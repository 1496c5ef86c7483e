using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Users;

/// <summary>A user's identity and Stripe customer, as the other features need them.</summary>
internal sealed record UserAccount(long Id, string? Subject, string? Email, string? FullName, string? StripeCustomerId);

/// <summary>
/// The Users feature's queries and writes for other features: the <c>users</c> table is written here
/// (and by <see cref="CustomerLinks"/>, <see cref="UserDirectory"/>, <see cref="RoleChanges"/>) only.
/// </summary>
internal sealed class UserAccounts(TallyDbContext db, UserDirectory directory, TimeProvider clock)
{
    public Task<UserAccount?> FindAsync(long userId, CancellationToken ct) =>
        db.Set<User>().AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new UserAccount(u.Id, u.Subject, u.Email, u.FullName, u.StripeCustomerId)).FirstOrDefaultAsync(ct);

    /// <summary>The admin's view of one user (role, creation), or null.</summary>
    public Task<UserResponse?> ProfileAsync(long userId, CancellationToken ct) =>
        db.Set<User>().AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new UserResponse(u.Id, u.Email, u.FullName, u.Role.ToName(), u.StripeCustomerId, u.CreatedAt, u.UpdatedAt))
            .FirstOrDefaultAsync(ct);

    /// <summary>Several users at once (an admin's lists): by id; unknown ids are absent.</summary>
    public async Task<Dictionary<long, UserAccount>> FindManyAsync(IReadOnlyCollection<long> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        return await db.Set<User>().AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new UserAccount(u.Id, u.Subject, u.Email, u.FullName, u.StripeCustomerId)).ToDictionaryAsync(u => u.Id, ct);
    }

    /// <summary>The user's stored customer id, read from the database (the cached profile may lag on other instances).</summary>
    public Task<string?> StripeCustomerIdOfAsync(long userId, CancellationToken ct) =>
        db.Set<User>().AsNoTracking().Where(u => u.Id == userId).Select(u => u.StripeCustomerId).FirstOrDefaultAsync(ct);

    /// <summary>How many customers of the user were deleted in Stripe: part of the next customer's idempotency key.</summary>
    public Task<int> ReleasedCustomersAsync(long userId, CancellationToken ct)
    {
        var target = userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return db.Set<AuditLogEntry>().CountAsync(e => e.Action == CustomerLinks.ReleasedAction && e.TargetType == "user" && e.TargetId == target, ct);
    }

    /// <summary>
    /// Stores the customer id unless the user has one already (a conditional update; the column is
    /// unique); returns the id the user ends up with.
    /// </summary>
    public async Task<string> StoreStripeCustomerIdAsync(UserAccount user, string customerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        int updated;
        try
        {
            // A bulk update bypasses SaveChanges, so it bumps the concurrency token itself.
            updated = await db.Set<User>().Where(u => u.Id == user.Id && u.StripeCustomerId == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(u => u.StripeCustomerId, customerId)
                    .SetProperty(u => u.UpdatedAt, now)
                    .SetProperty(u => u.Version, u => u.Version + 1), ct);
        }
        catch (Exception ex) when (ex.IsUniqueViolation())
        {
            updated = 0;
        }

        if (updated == 1)
        {
            directory.Invalidate(user.Subject);
            return customerId;
        }

        return await StripeCustomerIdOfAsync(user.Id, ct)
            ?? throw new InvalidOperationException($"Stripe customer {customerId} could not be stored for user {user.Id}.");
    }

    /// <summary>
    /// The id of the user with this email, created (a viewer, not signed in yet) when unknown: pre-assigning
    /// a role or demo data before the person's first sign-in; the first token with this email claims the row.
    /// </summary>
    public async Task<long> EnsureByEmailAsync(string email, string? fullName, CancellationToken ct)
    {
        email = CustomerLinks.NormalizedEmail(email);
        if (await db.Set<User>().Where(u => u.Email == email).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct) is { } id)
        {
            return id;
        }

        var now = clock.GetUtcNow();
        var user = new User { Email = email, FullName = fullName, Role = Role.Viewer, CreatedAt = now, UpdatedAt = now };
        db.Add(user);
        await db.SaveChangesAsync(ct);
        return user.Id;
    }
}
