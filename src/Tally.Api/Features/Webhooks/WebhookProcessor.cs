using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Health;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Features.Webhooks;

/// <summary>
/// Processes the inbox: claims due rows in batches and groups them by the object they are about.
/// Each group is resolved with one re-fetch from Stripe (groups in parallel, no database work), then
/// the whole batch is written at once: one query per mirror table to load what it touches, one
/// SaveChanges, the inbox rows marked in the same transaction. When that fails (a race with another
/// writer, a bad object) the batch is written again group by group, so that one object's failure
/// holds back only its own events. Every status update is fenced by the claim's token, and the lease
/// is renewed while the batch runs (<see cref="LeaseRenewal"/>). Failures retry with capped
/// exponential back-off: transient ones (Stripe unreachable, 5xx, 429, timeouts) for
/// <see cref="WebhookOptions.RetryWindow"/>, permanent ones end <c>failed</c> after
/// <see cref="WebhookOptions.MaxAttempts"/>.
/// </summary>
internal sealed partial class WebhookProcessor(
    IServiceScopeFactory scopes, TimeProvider clock, WebhookSignal signal, IOptions<WebhookOptions> options, TallyMetrics metrics,
    WorkerHeartbeats heartbeats, ILogger<WebhookProcessor> logger)
    : BackgroundService
{
    /// <summary>Immediate retries of a group whose save lost a race (unique index, concurrency token).</summary>
    private const int RaceRetries = 3;

    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public const string WorkerName = "webhook_processor";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await LoopAsync(stoppingToken);
        }
        finally
        {
            heartbeats.Ended(WorkerName);
        }
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        Task<bool>? tick = null;
        Task? wake = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            heartbeats.Beat(WorkerName, options.Value.PollInterval);
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0)
                {
                    // Drain: keep claiming while there is due work.
                    heartbeats.Beat(WorkerName, options.Value.PollInterval);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Webhook batch failed; retrying on the next tick");
            }

            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            wake ??= signal.WaitAsync(stoppingToken);
            var done = await Task.WhenAny(tick, wake);
            await done;
            if (done == tick)
            {
                tick = null;
            }
            else
            {
                wake = null;
            }
        }
    }

    /// <summary>Claims and handles one batch; returns how many rows it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        List<WebhookEvent> rows;
        Dictionary<WebhookTarget, List<ClaimedEvent>> groups;
        bool serial;
        string claim;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            serial = db is not PostgresTallyDbContext;
            rows = await WebhookClaims.ClaimAsync(db, owner, o.BatchSize, clock.GetUtcNow(), o.Lease, ct);
            metrics.SetWebhookInbox(rows.Count == 0 ? null : rows.Min(r => r.ReceivedAt));
            if (rows.Count == 0)
            {
                return 0;
            }

            claim = rows[0].LockedBy!;
            (groups, var ignored, var unreadable) = Group(rows);
            if (ignored.Count > 0)
            {
                await WebhookClaims.FinishAsync(db, ignored, claim, WebhookStatus.Ignored, null, clock.GetUtcNow(), ct);
            }

            if (unreadable.Count > 0)
            {
                logger.LogWarning("{Count} stored webhook events could not be parsed; marked failed", unreadable.Count);
                metrics.WebhooksFailed(unreadable.Count, "unreadable");
                await WebhookClaims.FinishAsync(db, unreadable, claim, WebhookStatus.Failed, "The stored payload is not a readable Stripe event.", clock.GetUtcNow(), ct);
            }
        }

        using var span = TallyTelemetry.Source.StartActivity("webhook batch");
        span?.SetTag("tally.webhook.events", rows.Count);
        var started = clock.GetTimestamp();
        bool batched;
        await using (LeaseRenewal.Start(scopes, clock, [.. rows.Select(r => r.Id)], claim, o.Lease, logger))
        {
            try
            {
                var resolved = await ResolveAsync(groups, ct);
                batched = resolved.Count > 0 && await ApplyBatchAsync(resolved, ct);
                if (!batched)
                {
                    await Parallel.ForEachAsync(resolved, new ParallelOptions { MaxDegreeOfParallelism = serial ? 1 : o.Parallelism, CancellationToken = ct },
                        async (target, token) => await ApplyGroupAsync(target, token));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down: what is not written yet goes back to the queue now rather than when the lease ends.
                await using var scope = scopes.CreateAsyncScope();
                await WebhookClaims.ReleaseAsync(scope.ServiceProvider.GetRequiredService<TallyDbContext>(), [.. rows.Select(r => r.Id)], claim, CancellationToken.None);
                throw;
            }
        }

        logger.LogDebug("Handled {EventCount} webhook events ({GroupCount} objects, {Mode}) in {ElapsedMs:F0} ms",
            rows.Count, groups.Count, batched ? "as one batch" : "object by object", clock.GetElapsedTime(started).TotalMilliseconds);
        return rows.Count;
    }

    private static (Dictionary<WebhookTarget, List<ClaimedEvent>> Groups, List<long> Ignored, List<long> Unreadable) Group(List<WebhookEvent> rows)
    {
        var groups = new Dictionary<WebhookTarget, List<ClaimedEvent>>();
        var ignored = new List<long>();
        var unreadable = new List<long>();
        foreach (var row in rows)
        {
            if (!WebhookTargets.Handles(row.Type))
            {
                ignored.Add(row.Id);
                continue;
            }

            var claimed = new ClaimedEvent(row);
            WebhookTarget? found;
            try
            {
                found = WebhookTargets.Of(claimed);
            }
            catch (UnreadableEventException)
            {
                unreadable.Add(row.Id);
                continue;
            }

            if (found is not { } target)
            {
                ignored.Add(row.Id);
                continue;
            }

            if (!groups.TryGetValue(target, out var list))
            {
                groups[target] = list = [];
            }

            list.Add(claimed);
        }

        return (groups, ignored, unreadable);
    }

    /// <summary>Re-fetches every group's object from Stripe, in parallel; a group that fails is recorded as failed and left out.</summary>
    private async Task<List<ResolvedTarget>> ResolveAsync(Dictionary<WebhookTarget, List<ClaimedEvent>> groups, CancellationToken ct)
    {
        var resolved = new ConcurrentQueue<ResolvedTarget>();
        await using var scope = scopes.CreateAsyncScope();
        var applier = scope.ServiceProvider.GetRequiredService<WebhookApplier>();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct }, async (group, token) =>
        {
            try
            {
                resolved.Enqueue(await applier.ResolveAsync(group.Key, group.Value, token));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                await RecordFailureAsync(group.Key, group.Value, ex, token);
            }
        });

        // Products and prices before the subscriptions that use them, customers before what they own.
        return [.. resolved.OrderBy(r => r.Target.Kind)];
    }

    /// <summary>Writes the whole batch in one unit of work; false (nothing written) when that fails.</summary>
    private async Task<bool> ApplyBatchAsync(List<ResolvedTarget> batch, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var mirror = scope.ServiceProvider.GetRequiredService<MirrorWriter>();
            await mirror.PreloadAsync(WebhookApplier.KeysOf(batch), ct);
            foreach (var target in batch)
            {
                await WebhookApplier.StageAsync(mirror, target, ct);
            }

            await SaveAsync(scope.ServiceProvider.GetRequiredService<TallyDbContext>(), batch.SelectMany(t => t.Events), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogInformation("Writing {GroupCount} webhook objects at once failed ({Error}); writing them one by one", batch.Count, Describe(ex));
            return false;
        }

        await InvalidatePricesAsync(batch, ct);
        return true;
    }

    /// <summary>Writes one group in its own transaction; after losing a race it fetches the object again, as the winner may hold newer state.</summary>
    private async Task ApplyGroupAsync(ResolvedTarget target, CancellationToken ct)
    {
        try
        {
            // After a lost race (another instance or the API wrote the same row first) the next try reads it and Stripe again.
            await ConflictRetry.RunAsync(RaceRetries, async attempt =>
            {
                await using var scope = scopes.CreateAsyncScope();
                if (attempt > 1)
                {
                    target = await scope.ServiceProvider.GetRequiredService<WebhookApplier>().ResolveAsync(target.Target, target.Events, ct);
                }

                await WebhookApplier.StageAsync(scope.ServiceProvider.GetRequiredService<MirrorWriter>(), target, ct);
                await SaveAsync(scope.ServiceProvider.GetRequiredService<TallyDbContext>(), target.Events, ct);
            });
            await InvalidatePricesAsync([target], ct);
        }
        catch (LostClaimException ex)
        {
            logger.LogInformation("Webhook events for {TargetKind} {StripeObjectId} not written: {Error}", target.Target.Kind, target.Target.Id, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await RecordFailureAsync(target.Target, target.Events, ex, ct);
        }
    }

    /// <summary>Saves the staged mirror changes and marks the events processed, in one transaction.</summary>
    private async Task SaveAsync(TallyDbContext db, IEnumerable<ClaimedEvent> events, CancellationToken ct)
    {
        var claimed = events.ToList();
        var ids = claimed.Select(e => e.Row.Id).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        // Fenced: when another processor took some of these rows over, nothing of this write is kept.
        var held = await WebhookClaims.FinishAsync(db, ids, claimed[0].Row.LockedBy!, WebhookStatus.Processed, null, clock.GetUtcNow(), ct);
        if (held != ids.Count)
        {
            throw new LostClaimException(ids.Count, held);
        }

        await tx.CommitAsync(ct);
        metrics.WebhooksProcessed(ids.Count);
    }

    /// <summary>After the commit, so that no reader can put an old price back into the cache.</summary>
    private async Task InvalidatePricesAsync(IEnumerable<ResolvedTarget> written, CancellationToken ct)
    {
        var prices = written.Where(t => t.Target.Kind == TargetKind.Price).Select(t => t.Target.Id).ToList();
        if (prices.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<PriceCatalog>();
        foreach (var id in prices)
        {
            await catalog.InvalidateAsync(id, ct);
        }
    }
}
