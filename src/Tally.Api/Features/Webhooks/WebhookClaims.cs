using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Webhooks;

/// <summary>
/// Claims due inbox rows with a lease (<c>locked_until</c>/<c>locked_by</c>), so that several
/// instances never process the same row at once. PostgreSQL skips rows another claim holds
/// (<c>FOR UPDATE SKIP LOCKED</c>); SQLite has a single writer, and the conditional update re-checks
/// the lease anyway. An expired lease (a crashed instance) makes the row claimable again.
/// </summary>
internal static class WebhookClaims
{
    public static async Task<List<WebhookEvent>> ClaimAsync(TallyDbContext db, string owner, int limit, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        var token = $"{owner}:{Guid.NewGuid():N}";
        var until = now + lease;
        var events = db.Set<WebhookEvent>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        List<long> ids;
        if (db is PostgresTallyDbContext)
        {
            ids = await db.Database.SqlQuery<long>($"""
                SELECT id AS "Value" FROM webhook_events
                WHERE status = {WebhookStatus.Pending} AND next_attempt_at <= {now} AND (locked_until IS NULL OR locked_until < {now})
                ORDER BY next_attempt_at, id
                LIMIT {limit}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
        }
        else
        {
            ids = await events.Where(e => e.Status == WebhookStatus.Pending && e.NextAttemptAt <= now && (e.LockedUntil == null || e.LockedUntil < now))
                .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Id).Select(e => e.Id).Take(limit).ToListAsync(ct);
        }

        if (ids.Count == 0)
        {
            return [];
        }

        await events.Where(e => ids.Contains(e.Id) && e.Status == WebhookStatus.Pending && (e.LockedUntil == null || e.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LockedUntil, until).SetProperty(e => e.LockedBy, token), ct);
        await tx.CommitAsync(ct);
        return await events.AsNoTracking().Where(e => ids.Contains(e.Id) && e.LockedBy == token).ToListAsync(ct);
    }

    /// <summary>
    /// Marks claimed rows done, fenced by the claim's <paramref name="token"/>: a row whose lease expired
    /// and was claimed by another processor is left to its new owner. Returns how many rows were still ours.
    /// </summary>
    public static Task<int> FinishAsync(TallyDbContext db, IReadOnlyCollection<long> ids, string token, string status, string? error, DateTimeOffset now, CancellationToken ct) =>
        db.Set<WebhookEvent>().Where(e => ids.Contains(e.Id) && e.LockedBy == token).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, status)
            .SetProperty(e => e.Attempts, e => e.Attempts + 1)
            .SetProperty(e => e.LastError, error)
            .SetProperty(e => e.ProcessedAt, now)
            .SetProperty(e => e.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(e => e.LockedBy, (string?)null), ct);

    /// <summary>Puts failed rows back in the queue (or ends them failed), fenced like <see cref="FinishAsync"/>.</summary>
    public static Task<int> RetryLaterAsync(
        TallyDbContext db, IReadOnlyCollection<long> ids, string token, int attempts, bool failed, DateTimeOffset nextAttempt, string error, CancellationToken ct) =>
        db.Set<WebhookEvent>().Where(e => ids.Contains(e.Id) && e.LockedBy == token).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, failed ? WebhookStatus.Failed : WebhookStatus.Pending)
            .SetProperty(e => e.Attempts, attempts)
            .SetProperty(e => e.NextAttemptAt, nextAttempt)
            .SetProperty(e => e.LastError, error)
            .SetProperty(e => e.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(e => e.LockedBy, (string?)null), ct);

    /// <summary>Extends the lease of the rows this claim still holds (one UPDATE for a whole batch).</summary>
    public static Task<int> RenewAsync(TallyDbContext db, IReadOnlyCollection<long> ids, string token, DateTimeOffset until, CancellationToken ct) =>
        db.Set<WebhookEvent>().Where(e => ids.Contains(e.Id) && e.LockedBy == token && e.Status == WebhookStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LockedUntil, until), ct);

    /// <summary>Gives claimed rows still pending back to the queue at once (a shutdown), fenced like <see cref="FinishAsync"/>.</summary>
    public static Task<int> ReleaseAsync(TallyDbContext db, IReadOnlyCollection<long> ids, string token, CancellationToken ct) =>
        db.Set<WebhookEvent>().Where(e => ids.Contains(e.Id) && e.LockedBy == token && e.Status == WebhookStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LockedBy, (string?)null).SetProperty(e => e.LockedUntil, (DateTimeOffset?)null), ct);
}
