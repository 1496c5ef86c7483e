using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>One projection writer per process at a time (PostgreSQL adds an advisory lock across processes).</summary>
internal sealed class ProjectionGate
{
    private volatile bool building;

    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>Policy checked (and the projection built if needed) by this process.</summary>
    public bool Checked { get; set; }

    /// <summary>A full build is running in this process: requests answer from the history instead of waiting for it.</summary>
    public bool Building { get => building; set => building = value; }
}

/// <summary>
/// Keeps Revenue's MRR intervals equal to <see cref="MrrCalculator"/> over the mirror's history, under the
/// configured policy: takes the queued subscriptions (<see cref="ProjectionQueue"/>), recomputes each from its
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
        if (gate.Building)
        {
            return false;
        }

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

    /// <summary>
    /// Recomputes the whole projection from the history (<see cref="ProjectionBuild"/>; after a policy change, on
    /// the first start, or on demand). Requests in this process answer from the history meanwhile.
    /// </summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        gate.Building = true;
        try
        {
            var started = clock.GetTimestamp();
            var build = new ProjectionBuild(db, Policy);
            await build.ResetAsync(clock.GetUtcNow(), ct);
            await build.BuildAsync(KeyOf(Policy), ct);
            logger.LogInformation("Revenue projection built from the history in {Seconds:0.0} s", clock.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            gate.Building = false;
        }
    }

    /// <summary>The projection is complete under this policy (an empty key: a build did not finish), else it is built now.</summary>
    private async Task CheckAsync(CancellationToken ct)
    {
        var state = await db.Set<ProjectionState>().AsNoTracking().SingleOrDefaultAsync(ct);
        if (state?.PolicyKey != KeyOf(Policy))
        {
            await RebuildAsync(ct);
        }
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
