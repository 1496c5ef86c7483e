using System.Data;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Users;

internal enum RoleChangeOutcome
{
    Changed,
    Unchanged,
    NotFound,
    LastAdmin,
}

/// <summary>Changes a user's role, audited, never leaving Tally without an admin. Used by the API and the CLI.</summary>
internal sealed class RoleChanges(TallyDbContext db, UserDirectory directory, TimeProvider clock)
{
    public async Task<(RoleChangeOutcome Outcome, User? User)> ChangeAsync(
        Func<IQueryable<User>, IQueryable<User>> target, Role newRole, long? actorUserId, string actor, CancellationToken cancellationToken)
    {
        // Serializable: two admins demoting each other at once must not both pass the last-admin check.
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var user = await target(db.Set<User>()).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return (RoleChangeOutcome.NotFound, null);
        }

        var oldRole = user.Role;
        if (oldRole == newRole)
        {
            return (RoleChangeOutcome.Unchanged, user);
        }

        if (oldRole == Role.Admin && await db.Set<User>().CountAsync(u => u.Role == Role.Admin, cancellationToken) <= 1)
        {
            return (RoleChangeOutcome.LastAdmin, user);
        }

        var now = clock.GetUtcNow();
        user.Role = newRole;
        user.Touch(now);
        db.Add(new AuditLogEntry
        {
            ActorUserId = actorUserId,
            Actor = actor,
            Action = "user.role_changed",
            TargetType = "user",
            TargetId = user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            OldValue = oldRole.ToName(),
            NewValue = newRole.ToName(),
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        directory.Invalidate(user.Subject);
        return (RoleChangeOutcome.Changed, user);
    }
}
