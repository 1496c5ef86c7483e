using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Webhooks;

internal sealed partial class WebhookProcessor
{
    private async Task RecordFailureAsync(WebhookTarget target, List<ClaimedEvent> events, Exception ex, CancellationToken ct)
    {
        var o = options.Value;
        var error = Describe(ex);
        logger.LogWarning("Webhook events for {TargetKind} {StripeObjectId} failed ({EventCount} events, first {StripeEventId}): {Error}",
            target.Kind, target.Id, events.Count, events[0].Row.StripeEventId, error);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var now = clock.GetUtcNow();
        foreach (var e in events)
        {
            var row = Detached(e.Row);
            db.Attach(row);
            row.Attempts = e.Row.Attempts + 1;
            row.Status = row.Attempts >= o.MaxAttempts ? WebhookStatus.Failed : WebhookStatus.Pending;
            var delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, o.RetryDelay.Ticks * (1L << Math.Min(20, row.Attempts - 1))));
            row.NextAttemptAt = now + delay;
            row.LastError = error;
            row.LockedUntil = null;
            row.LockedBy = null;
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>A copy to attach in another context (the claimed rows are shared by the parallel groups).</summary>
    private static WebhookEvent Detached(WebhookEvent r) => new()
    {
        Id = r.Id, StripeEventId = r.StripeEventId, Type = r.Type, ApiVersion = r.ApiVersion, StripeCreated = r.StripeCreated, ObjectId = r.ObjectId,
        Payload = r.Payload, ReceivedAt = r.ReceivedAt, Status = r.Status, Attempts = r.Attempts, NextAttemptAt = r.NextAttemptAt,
        LockedUntil = r.LockedUntil, LockedBy = r.LockedBy, LastError = r.LastError, ProcessedAt = r.ProcessedAt,
    };

    /// <summary>What went wrong, for <c>last_error</c> and the logs: Stripe's error code and message, never request data or keys.</summary>
    private static string Describe(Exception ex)
    {
        var text = StripeErrors.Describe(ex) ?? ex switch
        {
            DbUpdateException d => $"Database update failed: {d.InnerException?.GetType().Name ?? d.GetType().Name}",
            HttpRequestException h => $"Could not reach Stripe: {h.HttpRequestError}",
            _ => ex.GetType().Name,
        };
        return text.Length > 2000 ? text[..2000] : text;
    }
}
