using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;

namespace Tally.Api.Features.Usage;

/// <summary>Every user's records by delivery state, and the corrections made: the admins' lists, newest first.</summary>
internal static class UsageAdminLists
{
    /// <summary><c>delivered</c> is the stored status <c>reported</c>; <c>late</c> the records flagged late.</summary>
    private static readonly string[] Statuses = [UsageStatus.Pending, "delivered", UsageStatus.Failed, UsageStatus.Late];

    public static async Task<Results<Ok<Page<UsageRecordResponse>>, ProblemHttpResult>> RecordsAsync(
        TallyDbContext db, int? limit, string? cursor, string? status, CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, cursor, "admin_usage_records", out var page, out var problem))
        {
            return problem!;
        }

        if (status is not null && !Statuses.Contains(status))
        {
            return Problems.Validation("status", $"must be one of {string.Join(", ", Statuses)}.");
        }

        var query = db.Set<UsageRecord>().AsNoTracking();
        query = status switch
        {
            null => query,
            UsageStatus.Late => query.Where(r => r.Late),
            "delivered" => query.Where(r => r.Status == UsageStatus.Reported),
            _ => query.Where(r => r.Status == status),
        };
        if (page.After is { } after)
        {
            query = query.Where(r => r.Id < after);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(page.Limit + 1).ToListAsync(ct);
        return TypedResults.Ok(page.ToPage(rows, r => r.Id, r => r.ToResponse()));
    }

    public static async Task<Results<Ok<Page<UsageCorrectionResponse>>, ProblemHttpResult>> CorrectionsAsync(
        TallyDbContext db, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, cursor, "usage_corrections", out var page, out var problem))
        {
            return problem!;
        }

        var query = db.Set<UsageRecord>().AsNoTracking().Where(r => r.Kind == UsageKind.Correction);
        if (page.After is { } after)
        {
            query = query.Where(r => r.Id < after);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(page.Limit + 1).ToListAsync(ct);
        return TypedResults.Ok(page.ToPage(rows, r => r.Id, r => new UsageCorrectionResponse(
            r.Id, r.UserId, r.StripeCustomerId, r.StripeSubscriptionItemId, UsageRules.Normalized(r.Quantity), r.Timestamp, r.Note, r.Actor, r.Status,
            r.CreatedAt, r.ReportedAt)));
    }
}
