using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Subscriptions;

internal static class SubscriptionEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static void MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/api/billing/subscriptions").WithTags("Subscriptions");
        billing.MapPost("/", CreateAsync).WithName("CreateSubscription").RequireRole(Role.Editor).RequireStripeRateLimit()
            .ProducesProblems(400, 404, 409, 413, 415, 422, 429, 502);
        billing.MapGet("/", ListOwnAsync).WithName("ListOwnSubscriptions").RequireRole(Role.Viewer).ProducesProblems(400);

        app.MapGet("/api/admin/subscriptions", AdminSubscriptionList.ListAsync).WithTags("Subscriptions").WithName("ListSubscriptions")
            .RequireRole(Role.Admin).ProducesProblems(400);
        app.MapGet("/api/admin/users/{id:long}", AdminUserDetail.GetAsync).WithTags("Users").WithName("GetUser").RequireRole(Role.Admin)
            .WithSummary("One user: role, subscriptions with MRR, invoices with PDF links, live usage of the current period.").ProducesProblems(400, 404);
    }

    private static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> CreateAsync(
        CreateSubscriptionRequest? body, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, HttpContext http,
        MeteredSubscriptions subscriptions, CancellationToken ct)
    {
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 255 || idempotencyKey.Any(c => c is < ' ' or > '~')))
        {
            return Problems.Validation(IdempotencyHeader, "must be 1 to 255 printable ASCII characters.");
        }

        if (body?.PriceId is { } price && !StripeIds.IsWellFormed(price))
        {
            return Problems.Validation("price_id", "is not a Stripe price id.");
        }

        var result = await subscriptions.CreateMeteredSubscriptionAsync(http.CurrentUser().Id, body?.PriceId, idempotencyKey, ct);
        return result.Outcome switch
        {
            SubscriptionOutcome.Created => TypedResults.Ok(result.Subscription!),
            SubscriptionOutcome.NoCustomer => Problems.NoStripeCustomer(),
            SubscriptionOutcome.PriceNotAllowed => Problems.Result(StatusCodes.Status422UnprocessableEntity, "price_not_allowed",
                "price_id: this price is not one users may subscribe to (TALLY_ALLOWED_PRICE_IDS).",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["price_id"] = ["is not an allowed price."] } }),
            SubscriptionOutcome.AlreadySubscribed => Problems.Conflict("subscription_exists", "You already have a live subscription to this price."),
            SubscriptionOutcome.NoDefaultPrice => Problems.Result(StatusCodes.Status422UnprocessableEntity, "no_default_price",
                "No price_id was given and no default metered price is configured (STRIPE_PRICE_METERED_ID)."),
            SubscriptionOutcome.UnknownPrice => Problems.Result(StatusCodes.Status400BadRequest, "invalid_price",
                "price_id: Stripe does not accept this price for a subscription.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["price_id"] = ["Stripe does not accept this price."] } }),
            _ => Problems.Conflict("idempotency_key_reused",
                $"This {IdempotencyHeader} was already used with different parameters; use a new key for a different request."),
        };
    }

    private static async Task<Results<Ok<Page<SubscriptionResponse>>, ProblemHttpResult>> ListOwnAsync(
        HttpContext http, TallyDbContext db, UserAccounts users, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, cursor, "subscriptions", out var page, out var problem))
        {
            return problem!;
        }

        var me = http.CurrentUser().Id;
        var customerId = await users.StripeCustomerIdOfAsync(me, ct);
        var query = db.MirroredSubscriptions().Where(s => s.UserId == me || (customerId != null && s.StripeCustomerId == customerId));
        var rows = await NewestFirst(query, page).ToListAsync(ct);
        return TypedResults.Ok(page.ToPage(rows, s => s.Id, s => s.ToResponse()));
    }

    private static IQueryable<Subscription> NewestFirst(IQueryable<Subscription> query, PageRequest page)
    {
        if (page.After is { } after)
        {
            query = query.Where(s => s.Id < after);
        }

        return query.OrderByDescending(s => s.Id).Take(page.Limit + 1);
    }
}
