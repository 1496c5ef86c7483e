using Microsoft.Extensions.Options;

namespace Tally.Api.Features.Usage;

/// <summary>
/// Delivers pending usage every <see cref="UsageOptions.FlushInterval"/>: batches it, then sends the
/// due batches. Every instance may run it; one bad flush never stops the host.
/// </summary>
internal sealed class UsageFlusher(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<UsageOptions> options, UsagePipelineState state, ILogger<UsageFlusher> logger)
    : BackgroundService
{
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        do
        {
            try
            {
                while (await FlushOnceAsync(stoppingToken) >= options.Value.MaxBatchesPerFlush)
                {
                    // A full flush: more is waiting.
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Usage flush failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One flush: batch what is pending, send what is due; returns how many batches it sent.</summary>
    public async Task<int> FlushOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UsageBatching>().BatchPendingAsync(ct);
        var sent = await scope.ServiceProvider.GetRequiredService<UsageSending>().SendDueAsync(owner, ct);
        state.LastFlushAt = clock.GetUtcNow();
        return sent;
    }
}
