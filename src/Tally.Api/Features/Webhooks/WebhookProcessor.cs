using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Webhooks;

/// <summary>
/// Processes the inbox: claims due rows in batches, groups them by the object they are about, and
/// handles the groups in parallel (serially within a group): one re-fetch and one SaveChanges per
/// group, the inbox rows marked in the same transaction as the mirror changes. Failures retry with
/// exponential back-off and end as <c>failed</c> after <see cref="WebhookOptions.MaxAttempts"/>.
/// </summary>
internal sealed partial class WebhookProcessor(
    IServiceScopeFactory scopes, TimeProvider clock, WebhookSignal signal, IOptions<WebhookOptions> options, ILogger<WebhookProcessor> logger)
    : BackgroundService
{
    /// <summary>Immediate retries of a group whose save lost a race (unique index, concurrency token).</summary>
    private const int RaceRetries = 3;

    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        Task<bool>? tick = null;
        Task? wake = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0)
                {
                    // Drain: keep claiming while there is due work.
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
        bool serial;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            serial = db is not PostgresTallyDbContext;
            rows = await WebhookClaims.ClaimAsync(db, owner, o.BatchSize, clock.GetUtcNow(), o.Lease, ct);
            if (rows.Count == 0)
            {
                return 0;
            }

            var (groups, ignored, unreadable) = Group(rows);
            if (ignored.Count > 0)
            {
                await WebhookClaims.FinishAsync(db, ignored, WebhookStatus.Ignored, null, clock.GetUtcNow(), ct);
            }

            if (unreadable.Count > 0)
            {
                logger.LogWarning("{Count} stored webhook events could not be parsed; marked failed", unreadable.Count);
                await WebhookClaims.FinishAsync(db, unreadable, WebhookStatus.Failed, "The stored payload is not a readable Stripe event.", clock.GetUtcNow(), ct);
            }

            var started = clock.GetTimestamp();
            await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = serial ? 1 : o.Parallelism, CancellationToken = ct },
                async (group, token) => await HandleGroupAsync(group.Key, group.Value, token));
            logger.LogDebug("Handled {EventCount} webhook events ({GroupCount} objects, {IgnoredCount} ignored) in {ElapsedMs:F0} ms",
                rows.Count, groups.Count, ignored.Count, clock.GetElapsedTime(started).TotalMilliseconds);
        }

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
            catch (Exception ex) when (ex is StripeException or System.Text.Json.JsonException or ArgumentException)
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

    private async Task HandleGroupAsync(WebhookTarget target, List<ClaimedEvent> events, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
                await scope.ServiceProvider.GetRequiredService<WebhookApplier>().ApplyAsync(target, events, ct);
                var now = clock.GetUtcNow();
                foreach (var e in events)
                {
                    var row = Detached(e.Row);
                    db.Attach(row);
                    row.Status = WebhookStatus.Processed;
                    row.Attempts = e.Row.Attempts + 1;
                    row.ProcessedAt = now;
                    row.LastError = null;
                    row.LockedUntil = null;
                    row.LockedBy = null;
                }

                await db.SaveChangesAsync(ct);
                if (target.Kind == TargetKind.Price)
                {
                    // After the commit, so that no reader can put the old row back into the cache.
                    await scope.ServiceProvider.GetRequiredService<PriceCatalog>().InvalidateAsync(target.Id, ct);
                }

                return;
            }
            catch (DbUpdateException ex) when (attempt < RaceRetries && (ex is DbUpdateConcurrencyException || ex.IsUniqueViolation()))
            {
                // Another group or instance wrote the same row first: the next try sees it.
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                await RecordFailureAsync(target, events, ex, ct);
                return;
            }
        }
    }
}
