using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Features.Usage;

/// <summary>A stored record, and whether it was stored by an earlier request with the same idempotency key.</summary>
internal sealed record LedgerResult(UsageRecord Record, bool Duplicate);

/// <summary>
/// The usage ledger's writer: reports are written by group commit (<see cref="GroupCommit{TItem,TResult}"/>),
/// so concurrent requests share transactions, and each is answered only after its row committed. A
/// report whose (user, idempotency key) is already stored is not written again: the stored record is
/// its answer. The unique index on (user_id, idempotency_key) decides, also between instances: a batch
/// that loses that race is read and written again.
/// </summary>
internal sealed class UsageLedger : IAsyncDisposable
{
    private const int MaxBatch = 1_000;
    private const int RaceAttempts = 5;

    private readonly IServiceScopeFactory scopes;
    private readonly GroupCommit<UsageRecord, LedgerResult> commits;

    public UsageLedger(IServiceScopeFactory scopes, IOptions<UsageOptions> options, TallyMetrics metrics, ILogger<UsageLedger> logger)
    {
        this.scopes = scopes;
        commits = new GroupCommit<UsageRecord, LedgerResult>(WriteAsync, MaxBatch, options.Value.QueueCapacity, logger, dedicatedThread: true);
        metrics.ObserveUsageQueue(() => commits.Depth);
    }

    /// <summary>Reports waiting to be written.</summary>
    public int QueueDepth => commits.Depth;

    /// <summary>Queues the records; false (nothing stored) when the queue is full: answer 503.</summary>
    public bool TryStore(IReadOnlyList<UsageRecord> records, out Task<IReadOnlyList<LedgerResult>> stored) => commits.TrySubmit(records, out stored);

    private async Task<IReadOnlyList<LedgerResult>> WriteAsync(IReadOnlyList<UsageRecord> records, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        if (db is PostgresTallyDbContext)
        {
            return await WritePostgresAsync(db, records, ct);
        }

        return await db.RetryOnConflictAsync(RaceAttempts, async () =>
        {
            var existing = await StoredAsync(db, records, ct);
            var fresh = new Dictionary<(long, string), UsageRecord>();
            var results = new LedgerResult[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                var r = records[i];
                var key = r.IdempotencyKey is { } k ? (r.UserId, k) : default;
                if (r.IdempotencyKey is not null && (existing.TryGetValue(key, out var known) || fresh.TryGetValue(key, out known)))
                {
                    results[i] = new LedgerResult(known, Duplicate: true);
                    continue;
                }

                // A copy per attempt: an attempt that lost a race leaves its rows to the cleared change tracker.
                var row = Copy(r);
                db.Add(row);
                if (r.IdempotencyKey is not null)
                {
                    fresh[key] = row;
                }

                results[i] = new LedgerResult(row, Duplicate: false);
            }

            await db.SaveChangesAsync(ct);
            return (IReadOnlyList<LedgerResult>)results;
        });
    }

    /// <summary>
    /// PostgreSQL: one unnest insert that skips stored keys, synchronous on the writer's own thread; the
    /// skipped rows (rare) are answered with the stored ones, read after the insert.
    /// </summary>
    private static async Task<IReadOnlyList<LedgerResult>> WritePostgresAsync(TallyDbContext db, IReadOnlyList<UsageRecord> records, CancellationToken ct)
    {
        var rows = records.Select(Copy).ToList();
        db.Database.OpenConnection();
        var inserted = PostgresLedgerInsert.Insert((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), rows);
        var skipped = rows.Where((_, i) => !inserted[i]).ToList();
        var stored = skipped.Count == 0 ? [] : await StoredAsync(db, skipped, ct);
        return rows.Select((r, i) => inserted[i] ? new LedgerResult(r, Duplicate: false) : new LedgerResult(stored[(r.UserId, r.IdempotencyKey!)], Duplicate: true))
            .ToList();
    }

    /// <summary>The records already stored under the idempotency keys of <paramref name="records"/>.</summary>
    private static async Task<Dictionary<(long, string), UsageRecord>> StoredAsync(TallyDbContext db, IReadOnlyList<UsageRecord> records, CancellationToken ct)
    {
        var keyed = records.Where(r => r.IdempotencyKey is not null).ToList();
        if (keyed.Count == 0)
        {
            return [];
        }

        var users = keyed.Select(r => r.UserId).Distinct().ToList();
        var keys = keyed.Select(r => r.IdempotencyKey!).Distinct().ToList();
        var rows = await db.Set<UsageRecord>().AsNoTracking().Where(r => users.Contains(r.UserId) && keys.Contains(r.IdempotencyKey!)).ToListAsync(ct);
        return rows.ToDictionary(r => (r.UserId, r.IdempotencyKey!));
    }

    private static UsageRecord Copy(UsageRecord r) => new()
    {
        UserId = r.UserId, StripeCustomerId = r.StripeCustomerId, StripeSubscriptionItemId = r.StripeSubscriptionItemId, MeterEventName = r.MeterEventName,
        MeterId = r.MeterId, Quantity = r.Quantity, Timestamp = r.Timestamp, PeriodStart = r.PeriodStart, PeriodEnd = r.PeriodEnd, Late = r.Late,
        Kind = r.Kind, Status = r.Status, IdempotencyKey = r.IdempotencyKey, RequestHash = r.RequestHash, Metadata = r.Metadata, Note = r.Note,
        Actor = r.Actor, CreatedAt = r.CreatedAt, TraceParent = r.TraceParent,
    };

    public ValueTask DisposeAsync() => commits.DisposeAsync();
}
