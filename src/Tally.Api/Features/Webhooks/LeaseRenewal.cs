using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Webhooks;

/// <summary>Another processor took over rows of this claim after its lease ran out: they are its now.</summary>
internal sealed class LostClaimException(int expected, int held)
    : Exception($"{expected - held} of {expected} claimed webhook events were taken over by another processor.");

/// <summary>
/// Keeps a batch's claim alive while the batch runs: one UPDATE of the whole batch every third of the
/// lease (not per event, so the cost per event stays the same), on the processor's clock. A batch
/// slower than its lease (Stripe slow, a large batch) is then never claimed twice.
/// </summary>
internal sealed class LeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private LeaseRenewal(IServiceScopeFactory scopes, TimeProvider clock, IReadOnlyCollection<long> ids, string token, TimeSpan lease, ILogger logger) =>
        loop = RunAsync(scopes, clock, ids, token, lease, logger, stop.Token);

    public static LeaseRenewal Start(IServiceScopeFactory scopes, TimeProvider clock, IReadOnlyCollection<long> ids, string token, TimeSpan lease, ILogger logger) =>
        new(scopes, clock, ids, token, lease, logger);

    private static async Task RunAsync(
        IServiceScopeFactory scopes, TimeProvider clock, IReadOnlyCollection<long> ids, string token, TimeSpan lease, ILogger logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
                    var held = await WebhookClaims.RenewAsync(db, ids, token, clock.GetUtcNow() + lease, ct);
                    logger.LogDebug("Renewed the lease of {Held} webhook events", held);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick tries again; the fenced updates keep a lost claim harmless meanwhile.
                    logger.LogWarning(ex, "Renewing a webhook batch's lease failed");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The batch is done.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}
