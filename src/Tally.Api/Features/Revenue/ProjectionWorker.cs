namespace Tally.Api.Features.Revenue;

/// <summary>Keeps the projection caught up between requests (each revenue request also catches up first, so answers never wait for it).</summary>
internal sealed class ProjectionWorker(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ProjectionWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var projection = scope.ServiceProvider.GetRequiredService<RevenueProjection>();
                while (!await projection.CatchUpAsync(20, stoppingToken))
                {
                    // A full round: more is queued.
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Revenue projection catch-up failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
