using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Webhooks;

internal sealed partial class WebhookProcessor
{
    /// <summary>
    /// Records a failed attempt of a group's events, fenced by their claim. A transient failure
    /// (<see cref="StripeErrors.IsTransient(Exception)"/>) is retried for <see cref="WebhookOptions.RetryWindow"/>
    /// and, for a subscription, the states its events carried go into the history at once (they need
    /// no re-fetch; recording one again later is a no-op). A permanent one ends <c>failed</c> after
    /// <see cref="WebhookOptions.MaxAttempts"/>.
    /// </summary>
    private async Task RecordFailureAsync(WebhookTarget target, List<ClaimedEvent> events, Exception ex, CancellationToken ct)
    {
        var error = Describe(ex);
        var transient = StripeErrors.IsTransient(ex);
        logger.LogWarning("Webhook events for {TargetKind} {StripeObjectId} failed ({EventCount} events, first {StripeEventId}, {Kind}): {Error}",
            target.Kind, target.Id, events.Count, events[0].Row.StripeEventId, transient ? "transient" : "permanent", error);
        metrics.WebhooksFailed(events.Count, transient ? "transient" : "permanent");
        var history = transient && target.Kind == TargetKind.Subscription ? ReadableHistory(events) : [];
        try
        {
            await WriteFailureAsync(events, history, transient, error, ct);
        }
        catch (Exception writeError) when (history.Count > 0 && writeError.IsWriteConflict())
        {
            // Another writer recorded the same states meanwhile: the retry records them if still needed.
            await WriteFailureAsync(events, [], transient, error, ct);
        }
    }

    private async Task WriteFailureAsync(List<ClaimedEvent> events, List<CarriedState> history, bool transient, string error, CancellationToken ct)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var mirror = scope.ServiceProvider.GetRequiredService<MirrorWriter>();
        foreach (var carried in history)
        {
            await mirror.RecordHistoryAsync(carried.Subscription, carried.Created, carried.EventId, carried.EventType, ct);
        }

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        foreach (var same in events.GroupBy(e => e.Row.Attempts))
        {
            var attempts = same.Key + 1;
            var failed = transient ? RetriedFor(attempts - 1) >= o.RetryWindow : attempts >= o.MaxAttempts;
            await WebhookClaims.RetryLaterAsync(db, [.. same.Select(e => e.Row.Id)], same.First().Row.LockedBy!, attempts, failed,
                now + Delay(attempts), error, ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>The back-off before the retry that follows attempt <paramref name="attempt"/> (from 1): doubling, capped.</summary>
    private TimeSpan Delay(int attempt)
    {
        var o = options.Value;
        var doubled = o.RetryDelay.Ticks * (1L << Math.Min(30, attempt - 1));
        return TimeSpan.FromTicks(doubled <= 0 ? o.MaxRetryDelay.Ticks : Math.Min(o.MaxRetryDelay.Ticks, doubled));
    }

    /// <summary>How long an event has been retried after <paramref name="attempts"/> failed attempts: the back-off waited so far.</summary>
    private TimeSpan RetriedFor(int attempts)
    {
        var total = TimeSpan.Zero;
        for (var i = 1; i <= attempts; i++)
        {
            total += Delay(i);
        }

        return total;
    }

    /// <summary>The states the events carried; none when a payload cannot be read (the retry will say so).</summary>
    private static List<CarriedState> ReadableHistory(List<ClaimedEvent> events)
    {
        try
        {
            return WebhookApplier.CarriedHistory(events);
        }
        catch (UnreadableEventException)
        {
            return [];
        }
    }

    /// <summary>What went wrong, for <c>last_error</c> and the logs: Stripe's error code and message, never request data or keys.</summary>
    private static string Describe(Exception ex)
    {
        var text = StripeErrors.Describe(ex) ?? ex switch
        {
            DbUpdateException d => $"Database update failed: {d.InnerException?.GetType().Name ?? d.GetType().Name}",
            HttpRequestException h => $"Could not reach Stripe: {h.HttpRequestError}",
            LostClaimException l => l.Message,
            _ => ex.GetType().Name,
        };
        return text.Length > 2000 ? text[..2000] : text;
    }
}
