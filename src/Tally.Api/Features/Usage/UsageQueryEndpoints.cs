using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;

namespace Tally.Api.Features.Usage;

/// <summary>What a user (or an admin, for any user) reads of the ledger: the records, and the live usage of the current period.</summary>
internal static class UsageQueryEndpoints
{
    private static readonly string[] Statuses = [UsageStatus.Pending, UsageStatus.Reported, UsageStatus.Failed, UsageStatus.Late];

    internal static async Task<Results<Ok<Page<UsageRecordResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext http, TallyDbContext db, int? limit, string? cursor, [FromQuery(Name = "user_id")] long? userId,
        [FromQuery(Name = "subscription_item_id")] string? itemId, string? status, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, cursor, "usage_records", out var page, out var problem))
        {
            return problem!;
        }

        if (status is not null && !Statuses.Contains(status))
        {
            return Problems.Validation("status", $"must be one of {string.Join(", ", Statuses)}.");
        }

        var (target, _, forbidden) = await UsageEndpoints.ActingUserAsync(http, userId, ct);
        if (forbidden is not null)
        {
            return forbidden;
        }

        var query = db.Set<UsageRecord>().AsNoTracking().Where(r => r.UserId == target);
        query = status switch
        {
            null => query,
            UsageStatus.Late => query.Where(r => r.Late),
            _ => query.Where(r => r.Status == status),
        };
        if (itemId is not null)
        {
            query = query.Where(r => r.StripeSubscriptionItemId == itemId);
        }

        if (from is { } start)
        {
            query = query.Where(r => r.Timestamp >= start);
        }

        if (to is { } end)
        {
            query = query.Where(r => r.Timestamp < end);
        }

        if (page.After is { } after)
        {
            query = query.Where(r => r.Id < after);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(page.Limit + 1).ToListAsync(ct);
        return TypedResults.Ok(page.ToPage(rows, r => r.Id, r => r.ToResponse()));
    }

    /// <summary>Live usage per metered item in its current period (<see cref="UsageSummaries"/>).</summary>
    internal static async Task<Results<Ok<UsageSummaryResponse>, ProblemHttpResult>> SummaryAsync(
        HttpContext http, UsageSummaries summaries, [FromQuery(Name = "user_id")] long? userId, CancellationToken ct)
    {
        var (target, customerId, forbidden) = await UsageEndpoints.ActingUserAsync(http, userId, ct);
        if (forbidden is not null)
        {
            return forbidden;
        }

        return TypedResults.Ok(await summaries.OfUserAsync(target, customerId, ct));
    }
}
