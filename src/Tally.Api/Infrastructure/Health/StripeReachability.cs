using Stripe;

namespace Tally.Api.Infrastructure.Health;

/// <summary>
/// Whether Stripe answers, for <c>/readyz</c>, cached: a probe (list one meter, the cheapest read every
/// account allows) runs in the background at most once per <see cref="MaxAge"/>, started by the first
/// readiness request that finds the answer older; a probe never makes a readiness request wait.
/// </summary>
internal sealed class StripeReachability(StripeClient stripe, TimeProvider clock, ILogger<StripeReachability> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private (string Status, DateTimeOffset At)? last;
    private Task? probe;

    /// <summary>"ok", "unreachable", "error" (Stripe answered with an error: a bad key, say) or "unknown" (first probe still running).</summary>
    public string Current()
    {
        lock (gate)
        {
            if ((last is null || clock.GetUtcNow() - last.Value.At > MaxAge) && probe is not { IsCompleted: false })
            {
                probe = Task.Run(ProbeAsync);
            }

            return last?.Status ?? "unknown";
        }
    }

    private async Task ProbeAsync()
    {
        string status;
        using var timeout = new CancellationTokenSource(ProbeTimeout, clock);
        try
        {
            await stripe.V1.Billing.Meters.ListAsync(new global::Stripe.Billing.MeterListOptions { Limit = 1 }, cancellationToken: timeout.Token);
            status = "ok";
        }
        catch (StripeException ex) when ((int)ex.HttpStatusCode is >= 400 and < 500 and not 429)
        {
            status = "error";
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or OperationCanceledException)
        {
            status = "unreachable";
        }

        if (status != "ok")
        {
            logger.LogWarning("Readiness probe: Stripe {StripeStatus}", status);
        }

        lock (gate)
        {
            last = (status, clock.GetUtcNow());
        }
    }
}
