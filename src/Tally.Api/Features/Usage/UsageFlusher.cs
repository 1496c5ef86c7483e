using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Health;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Features.Usage;

/// <summary>
/// Delivers pending usage every <see cref="UsageOptions.FlushInterval"/>: batches it, then sends the
/// due batches. Every instance may run it; one bad flush never stops the host.
/// </summary>
internal sealed class UsageFlusher(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<UsageOptions> options, UsagePipelineState state, TallyMetrics metrics,
    WorkerHeartbeats heartbeats, ILogger<UsageFlusher> logger)
    : BackgroundService
{
    public const string WorkerName = "usage_flusher";

    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        try
        {
            do
            {
                heartbeats.Beat(WorkerName, options.Value.FlushInterval);
                try
                {
                    while (await FlushOnceAsync(stoppingToken) >= options.Value.MaxBatchesPerFlush)
                    {
                        // A full flush: more is waiting.
                        heartbeats.Beat(WorkerName, options.Value.FlushInterval);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Usage flush failed; retrying on the next tick");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            heartbeats.Ended(WorkerName);
        }
    }

    /// <summary>One flush: batch what is pending, send what is due; returns how many batches it sent.</summary>
    public async Task<int> FlushOnceAsync(CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UsageBatching>().BatchPendingAsync(ct);
        await MeasureBacklogAsync(scope.ServiceProvider.GetRequiredService<TallyDbContext>(), ct);
        var sent = await scope.ServiceProvider.GetRequiredService<UsageSending>().SendDueAsync(owner, ct);
        if (sent > 0)
        {
            await MeasureBacklogAsync(scope.ServiceProvider.GetRequiredService<TallyDbContext>(), ct);
        }

        state.LastFlushAt = clock.GetUtcNow();
        metrics.UsageFlushed(clock.GetElapsedTime(started));
        return sent;
    }

    /// <summary>The <c>tally.usage.pending</c> gauges: undelivered records and the oldest one's creation, after each step of a flush.</summary>
    private async Task MeasureBacklogAsync(TallyDbContext db, CancellationToken ct)
    {
        var (count, oldest) = await BacklogAsync(db, ct);
        metrics.SetUsageBacklog(count, oldest);
    }

    /// <summary>Records not delivered yet, and when the oldest of them was created (null when none): the gauges and <c>/api/admin/usage/health</c>.</summary>
    public static async Task<(int Count, DateTimeOffset? Oldest)> BacklogAsync(TallyDbContext db, CancellationToken ct)
    {
        var pending = db.Set<UsageRecord>().AsNoTracking().Where(r => r.Status == UsageStatus.Pending);
        var count = await pending.CountAsync(ct);
        var oldest = count == 0 ? null : await pending.OrderBy(r => r.Id).Select(r => (DateTimeOffset?)r.CreatedAt).FirstOrDefaultAsync(ct);
        return (count, oldest);
    }
}
