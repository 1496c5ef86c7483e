using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Features.Webhooks;

public sealed record WebhookReplayResponse(int Queued, string? Type, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>
/// <c>POST /api/admin/webhooks/replay?type=&amp;from=&amp;to=</c>: every <c>failed</c> event (of one type,
/// received in <c>[from, to)</c>) back in the queue in one statement, e.g. after an outage or a fixed key.
/// </summary>
internal static class WebhookBulkReplay
{
    public static async Task<Results<Ok<WebhookReplayResponse>, ProblemHttpResult>> ReplayFailedAsync(
        string? type, DateTimeOffset? from, DateTimeOffset? to, HttpContext http, TallyDbContext db, WebhookSignal signal, TimeProvider clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (type is not null && (type.Length is 0 or > WebhookEvent.TypeLength || type.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_'))))
        {
            return Problems.Validation("type", "must be a Stripe event type such as customer.subscription.updated.");
        }

        if (from is { } f && to is { } t && f >= t)
        {
            return Problems.Validation("to", "must be later than from.");
        }

        var query = db.Set<WebhookEvent>().Where(e => e.Status == WebhookStatus.Failed);
        if (type is not null)
        {
            query = query.Where(e => e.Type == type);
        }

        if (from is { } lower)
        {
            query = query.Where(e => e.ReceivedAt >= lower);
        }

        if (to is { } upper)
        {
            query = query.Where(e => e.ReceivedAt < upper);
        }

        var now = clock.GetUtcNow();
        var queued = await query.ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, WebhookStatus.Pending)
            .SetProperty(e => e.Attempts, 0)
            .SetProperty(e => e.NextAttemptAt, now)
            .SetProperty(e => e.LastError, (string?)null)
            .SetProperty(e => e.ProcessedAt, (DateTimeOffset?)null)
            .SetProperty(e => e.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(e => e.LockedBy, (string?)null), ct);
        if (queued > 0)
        {
            signal.Wake();
        }

        logs.CreateLogger(typeof(WebhookBulkReplay).FullName!).LogInformation(
            "User {UserId} queued {Count} failed webhook events again (type {Type}, received from {From} to {To})",
            http.User.UserId(), queued, type ?? "any", from, to);
        return TypedResults.Ok(new WebhookReplayResponse(queued, type, from, to));
    }
}
