using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>One projection writer per process at a time (PostgreSQL adds an advisory lock across processes).</summary>
internal sealed class ProjectionGate
{
    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>Triggers and policy checked by this process.</summary>
    public bool Checked { get; set; }
}

/// <summary>
/// Keeps Revenue's MRR intervals equal to <see cref="MrrCalculator"/> over the mirror's history, under the
/// configured policy: takes the queued subscriptions (<see cref="ProjectionTriggers"/>), recomputes each from its
/// whole history, then each affected customer from its subscriptions' pieces, and moves the daily deltas by the
/// difference, in one transaction per batch. Recomputing from scratch makes the order of changes irrelevant.
/// </summary>
internal sealed class RevenueProjection(
    TallyDbContext db, ProjectionGate gate, IOptions<RevenueOptions> options, TimeProvider clock, ILogger<RevenueProjection> logger)
{
    public const int BatchSize = 1000;
    private const string LockSql = "select pg_advisory_lock(7100311011)";
    private const string UnlockSql = "select pg_advisory_unlock(7100311011)";
    private bool? caughtUp;

    public RevenuePolicy Policy { get; } = options.Value.ToPolicy() with { IncludeMeteredInMrr = false };

    public static string KeyOf(RevenuePolicy p) => string.Join('|', p.CancelPolicy, string.Join(',', p.DiscountDurationsSubtracted.Order(StringComparer.Ordinal)),
        p.WeekFactor.ToString(CultureInfo.InvariantCulture), p.DayFactor.ToString(CultureInfo.InvariantCulture));

    /// <summary>Whether the intervals answer for <paramref name="policy"/>: same MRR rules, usage not inside MRR.</summary>
    public bool Serves(RevenuePolicy policy) => !policy.IncludeMeteredInMrr && KeyOf(policy) == KeyOf(Policy);

    /// <summary>Catches up (once per scope) and tells whether nothing is stale; false sends the caller to the direct path.</summary>
    public async Task<bool> ReadyAsync(CancellationToken ct)
    {
        try
        {
            return caughtUp ??= await CatchUpAsync(4, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The history is still there: this answer is computed from it directly, and the worker retries.
            logger.LogWarning(ex, "Revenue projection catch-up failed; answering from the history");
            caughtUp = false;
            return false;
        }
    }

    /// <summary>Projects up to <paramref name="maxBatches"/> batches; true when the queue is empty.</summary>
    public async Task<bool> CatchUpAsync(int maxBatches, CancellationToken ct)
    {
        await gate.Lock.WaitAsync(ct);
        var postgres = db is PostgresTallyDbContext;
        try
        {
            if (postgres)
            {
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.ExecuteSqlRawAsync(LockSql, ct);
            }

            if (!gate.Checked)
            {
                await CheckAsync(ct);
                gate.Checked = true;
            }

            for (var i = 0; i < maxBatches; i++)
            {
                if (!await ProjectBatchAsync(ct))
                {
                    return true;
                }
            }

            return !await db.Set<ProjectionChange>().AnyAsync(ct);
        }
        finally
        {
            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync(UnlockSql, CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }

            gate.Lock.Release();
        }
    }

    /// <summary>Drops every interval and queues every subscription (after a policy change, or when triggers were missing).</summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<SubscriptionMrrInterval>().ExecuteDeleteAsync(ct);
        await db.Set<CustomerMrrInterval>().ExecuteDeleteAsync(ct);
        await db.Set<CustomerActivity>().ExecuteDeleteAsync(ct);
        await db.Set<CustomerSignup>().ExecuteDeleteAsync(ct);
        await db.Set<MrrDailyDelta>().ExecuteDeleteAsync(ct);
        await db.Set<ProjectionChange>().ExecuteDeleteAsync(ct);
        await db.Database.ExecuteSqlRawAsync(
            "insert into revenue_projection_changes (subscription_id) select distinct stripe_subscription_id from subscription_history", ct);
        await db.Set<ProjectionState>().ExecuteDeleteAsync(ct);
        db.Add(new ProjectionState { Id = 1, PolicyKey = KeyOf(Policy), RebuiltAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await tx.CommitAsync(ct);
    }

    private async Task CheckAsync(CancellationToken ct)
    {
        var triggers = await ProjectionTriggers.PresentAsync(db, ct);
        var state = await db.Set<ProjectionState>().AsNoTracking().SingleOrDefaultAsync(ct);
        if (triggers && state?.PolicyKey == KeyOf(Policy))
        {
            return;
        }

        if (!triggers)
        {
            await ProjectionTriggers.CreateAsync(db, ct);
        }

        await RebuildAsync(ct);
    }

    private async Task<bool> ProjectBatchAsync(CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changes = await db.Set<ProjectionChange>().AsNoTracking().OrderBy(c => c.Id).Take(BatchSize * 2).ToListAsync(ct);
        if (changes.Count == 0)
        {
            return false;
        }

        var subscriptions = changes.Select(c => c.SubscriptionId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var price in changes.Select(c => c.PriceId).OfType<string>().Distinct())
        {
            var named = $"\"price\":\"{price}\"";
            subscriptions.UnionWith(await db.Set<SubscriptionHistory>().AsNoTracking().Where(h => h.Items.Contains(named))
                .Select(h => h.StripeSubscriptionId).Distinct().ToListAsync(ct));
        }

        await new ProjectionBatch(db, Policy).ProjectAsync([.. subscriptions], ct);
        var done = changes.Select(c => c.Id).ToList();
        await db.Set<ProjectionChange>().Where(c => done.Contains(c.Id)).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
