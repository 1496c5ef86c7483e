using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Revenue;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;

namespace Tally.Api.Features.Subscriptions;

/// <summary>The filters of <c>GET /api/admin/subscriptions</c>.</summary>
internal sealed record AdminSubscriptionQuery(
    int? Limit, string? Cursor, string? Status, [property: FromQuery(Name = "user_id")] long? UserId, string? Customer, string? Email, string? Price,
    string? Currency, [property: FromQuery(Name = "created_gte")] DateTimeOffset? CreatedGte, [property: FromQuery(Name = "created_lt")] DateTimeOffset? CreatedLt,
    string? Sort);

/// <summary>Every mirrored subscription, filtered, sorted by Stripe's <c>created</c> (newest first by default), with each row's MRR now.</summary>
internal static class AdminSubscriptionList
{
    private static readonly string[] Statuses =
        ["incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid", "paused"];

    public static async Task<Results<Ok<Page<AdminSubscriptionResponse>>, ProblemHttpResult>> ListAsync(
        [AsParameters] AdminSubscriptionQuery q, TallyDbContext db, UserAccounts users, SubscriptionMrr mrr, TimeProvider clock, CancellationToken ct)
    {
        if (!PageRequest.TryParse(q.Limit, q.Cursor, "admin_subscriptions", out var page, out var problem))
        {
            return problem!;
        }

        if (q.Status is not null && !Statuses.Contains(q.Status))
        {
            return Problems.Validation("status", $"must be one of {string.Join(", ", Statuses)}.");
        }

        if (q.Sort is not (null or "created" or "-created"))
        {
            return Problems.Validation("sort", "must be created or -created.");
        }

        // One rule for every user filter: a user id that names no user is 404, not an empty list.
        if (q.UserId is { } userId && await users.FindAsync(userId, ct) is null)
        {
            return Problems.NotFound("user_not_found", $"No user has id {userId}.");
        }

        var query = db.MirroredSubscriptions();
        query = q.Status is null ? query : query.Where(s => s.Status == q.Status);
        query = q.UserId is null ? query : query.Where(s => s.UserId == q.UserId);
        query = q.Customer is null ? query : query.Where(s => s.StripeCustomerId == q.Customer);
        query = q.Currency is null ? query : query.Where(s => s.Currency == q.Currency.ToLowerInvariant());
        query = q.CreatedGte is not { } gte ? query : query.Where(s => s.StripeCreated >= gte);
        query = q.CreatedLt is not { } lt ? query : query.Where(s => s.StripeCreated < lt);
        if (q.Email is { } email)
        {
            var customers = db.MirroredCustomers().Where(c => c.Email == email).Select(c => c.StripeCustomerId);
            query = query.Where(s => customers.Contains(s.StripeCustomerId));
        }

        if (q.Price is { } price)
        {
            var withPrice = db.MirroredSubscriptionItems().Where(i => i.PriceId == price && !i.Deleted).Select(i => i.StripeSubscriptionId);
            query = query.Where(s => s.PriceId == price || withPrice.Contains(s.StripeSubscriptionId));
        }

        var ascending = q.Sort == "created";
        if (page.After is { } after && await db.MirroredSubscriptions().Where(s => s.Id == after).Select(s => (DateTimeOffset?)s.StripeCreated).FirstOrDefaultAsync(ct) is { } at)
        {
            query = ascending
                ? query.Where(s => s.StripeCreated > at || (s.StripeCreated == at && s.Id > after))
                : query.Where(s => s.StripeCreated < at || (s.StripeCreated == at && s.Id < after));
        }

        query = ascending ? query.OrderBy(s => s.StripeCreated).ThenBy(s => s.Id) : query.OrderByDescending(s => s.StripeCreated).ThenByDescending(s => s.Id);
        var rows = await query.Take(page.Limit + 1).ToListAsync(ct);
        var values = await mrr.AtAsync([.. rows.Select(r => r.StripeSubscriptionId)], clock.GetUtcNow(), ct);
        return TypedResults.Ok(page.ToPage(rows, s => s.Id, s => s.ToAdminResponse(values.GetValueOrDefault(s.StripeSubscriptionId))));
    }
}
