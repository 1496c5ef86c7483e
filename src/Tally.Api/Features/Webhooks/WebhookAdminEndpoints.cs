using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;
using Tally.Api.Infrastructure.OpenApi;

namespace Tally.Api.Features.Webhooks;

public sealed record WebhookEventResponse(
    string EventId, string Type, string? ObjectId, string Status, int Attempts, string? LastError,
    DateTimeOffset ReceivedAt, DateTimeOffset? ProcessedAt, DateTimeOffset? NextAttemptAt);

internal static class WebhookAdminEndpoints
{
    private static readonly string[] Statuses = [WebhookStatus.Pending, WebhookStatus.Processed, WebhookStatus.Ignored, WebhookStatus.Failed];

    public static void MapWebhookAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/webhooks").WithTags("Webhooks").RequireRole(Role.Admin);
        admin.MapGet("/", ListAsync).WithName("ListWebhookEvents").WithSummary("Stored Stripe events, newest first.").ProducesProblems(400);
        admin.MapPost("/{id}/replay", ReplayAsync).WithName("ReplayWebhookEvent")
            .WithSummary("Puts a stored event back in the queue (failed, ignored or processed).").ProducesProblems(404);
        admin.MapPost("/replay", WebhookBulkReplay.ReplayFailedAsync).WithName("ReplayFailedWebhookEvents")
            .WithSummary("Puts every failed event (optionally of one type, received in [from, to)) back in the queue.").ProducesProblems(400);
    }

    private static async Task<Results<Ok<Page<WebhookEventResponse>>, ProblemHttpResult>> ListAsync(
        TallyDbContext db, string? status, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, cursor, "webhook_events", out var page, out var problem))
        {
            return problem!;
        }

        var query = db.Set<WebhookEvent>().AsNoTracking();
        if (status is not null)
        {
            if (!Statuses.Contains(status))
            {
                return Problems.Validation("status", $"must be one of {string.Join(", ", Statuses)}.");
            }

            query = query.Where(e => e.Status == status);
        }

        if (page.After is { } after)
        {
            query = query.Where(e => e.Id < after);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1)
            .Select(e => new { e.Id, e.StripeEventId, e.Type, e.ObjectId, e.Status, e.Attempts, e.LastError, e.ReceivedAt, e.ProcessedAt, e.NextAttemptAt })
            .ToListAsync(ct);
        return TypedResults.Ok(page.ToPage(rows, r => r.Id, r => new WebhookEventResponse(
            r.StripeEventId, r.Type, r.ObjectId, r.Status, r.Attempts, r.LastError, r.ReceivedAt, r.ProcessedAt,
            r.Status == WebhookStatus.Pending ? r.NextAttemptAt : null)));
    }

    private static async Task<Results<Ok<WebhookEventResponse>, ProblemHttpResult>> ReplayAsync(
        string id, TallyDbContext db, WebhookSignal signal, TimeProvider clock, CancellationToken ct)
    {
        var row = await db.Set<WebhookEvent>().FirstOrDefaultAsync(e => e.StripeEventId == id, ct);
        if (row is null)
        {
            return Problems.NotFound("webhook_event_not_found", $"No stored webhook event has id '{id}'.");
        }

        if (row.Status != WebhookStatus.Pending)
        {
            row.Status = WebhookStatus.Pending;
            row.Attempts = 0;
            row.NextAttemptAt = clock.GetUtcNow();
            row.LastError = null;
            row.ProcessedAt = null;
            row.LockedUntil = null;
            row.LockedBy = null;
            await db.SaveChangesAsync(ct);
            signal.Wake();
        }

        return TypedResults.Ok(new WebhookEventResponse(row.StripeEventId, row.Type, row.ObjectId, row.Status, row.Attempts, row.LastError,
            row.ReceivedAt, row.ProcessedAt, row.NextAttemptAt));
    }
}
