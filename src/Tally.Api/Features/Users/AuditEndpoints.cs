using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;

namespace Tally.Api.Features.Users;

/// <summary>Who acted: the user (when the change came through the API) and the name recorded with the entry (an email, a subject or <c>cli</c>).</summary>
public sealed record AuditActorResponse(long? UserId, string? Email, string Name);

public sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, AuditActorResponse Actor, string Action, string TargetType, string TargetId, string? OldValue, string? NewValue);

/// <summary><c>GET /api/admin/audit</c>: the audit log, newest first, optionally of one target.</summary>
internal static class AuditEndpoints
{
    public static async Task<Results<Ok<Page<AuditEntryResponse>>, ProblemHttpResult>> ListAsync(
        TallyDbContext db, int? limit, string? cursor, [FromQuery(Name = "target_type")] string? targetType,
        [FromQuery(Name = "target_id")] string? targetId, CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, cursor, "audit", out var page, out var problem))
        {
            return problem!;
        }

        if (targetId is not null && targetType is null)
        {
            return Problems.Validation("target_type", "is required with target_id.");
        }

        var query = db.Set<AuditLogEntry>().AsNoTracking();
        query = targetType is null ? query : query.Where(e => e.TargetType == targetType);
        query = targetId is null ? query : query.Where(e => e.TargetId == targetId);
        if (page.After is { } after)
        {
            query = query.Where(e => e.Id < after);
        }

        // Ids grow with time (one insert per change), so id order is newest first.
        var rows = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1)
            .Select(e => new
            {
                Entry = e,
                ActorEmail = db.Set<User>().Where(u => u.Id == e.ActorUserId).Select(u => u.Email).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return TypedResults.Ok(page.ToPage(rows, r => r.Entry.Id, r => new AuditEntryResponse(
            r.Entry.Id, r.Entry.CreatedAt, new AuditActorResponse(r.Entry.ActorUserId, r.ActorEmail, r.Entry.Actor), r.Entry.Action,
            r.Entry.TargetType, r.Entry.TargetId, r.Entry.OldValue, r.Entry.NewValue)));
    }
}
