using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Features.Usage;

internal static class UsageEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static void MapUsage(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/api/billing").WithTags("Usage");
        billing.MapPost("/report_usage", ReportAsync).WithName("ReportUsage").RequireRole(Role.Editor)
            .ProducesProblems(400, 404, 409, 413, 415, 422, 503);
        billing.MapPost("/report_usage/batch", UsageBatchEndpoint.ReportBatchAsync).WithName("ReportUsageBatch").RequireRole(Role.Editor)
            .ProducesProblems(400, 404, 413, 415, 503);
        billing.MapGet("/usage_records", UsageQueryEndpoints.ListAsync).WithName("ListUsageRecords").RequireRole(Role.Viewer).ProducesProblems(400, 404);
        billing.MapGet("/usage_summary", UsageQueryEndpoints.SummaryAsync).WithName("GetUsageSummary").RequireRole(Role.Viewer).ProducesProblems(400, 404);
        app.MapUsageAdmin();
    }

    /// <summary>
    /// The user a request acts for: the caller, or the one an admin names; null with the problem otherwise.
    /// The caller comes from authentication's cached profile: only an admin naming another user reads the database.
    /// </summary>
    internal static async Task<(long UserId, string? CustomerId, ProblemHttpResult? Problem)> ActingUserAsync(
        HttpContext http, long? named, CancellationToken ct)
    {
        var me = http.CurrentUser();
        if (named is null || named == me.Id)
        {
            return (me.Id, me.StripeCustomerId, null);
        }

        if (!http.User.HasAtLeast(Role.Admin))
        {
            return (0, null, Problems.Result(StatusCodes.Status403Forbidden, "forbidden", "Only admins may act for another user."));
        }

        return await http.RequestServices.GetRequiredService<UserAccounts>().FindAsync(named.Value, ct) is { } user
            ? (user.Id, user.StripeCustomerId, null)
            : (0, null, Problems.NotFound("user_not_found", $"No user has id {named}."));
    }

    internal static ProblemHttpResult ToProblem(this UsageProblem p) => p.Code == "validation_failed"
        ? Problems.Validation(p.Param, p.Message)
        : Problems.Result(p.Status, p.Code, p.Message, new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [p.Param] = [p.Message] } });

    internal static ProblemHttpResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Problems.Result(StatusCodes.Status503ServiceUnavailable, "usage_queue_full", "Too many usage reports are waiting to be written; retry shortly.");
    }

    internal static ProblemHttpResult KeyReused() =>
        Problems.Result(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
            $"This {IdempotencyHeader} was already used for a different report; use a new key for a different report.");

    /// <summary>Records a refused report in <c>tally.usage.reports</c> (by its problem code) and returns the problem.</summary>
    internal static ProblemHttpResult Rejected(this TallyMetrics metrics, ProblemHttpResult problem, long count = 1)
    {
        metrics.UsageReported("rejected", problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code as string : null, count);
        return problem;
    }

    /// <summary>Records stored reports in <c>tally.usage.reports</c> and the late ones in <c>tally.usage.late</c>.</summary>
    internal static void Stored(this TallyMetrics metrics, int accepted, int duplicates, int late)
    {
        metrics.UsageReported("accepted", count: accepted);
        metrics.UsageReported("duplicate", count: duplicates);
        if (late > 0)
        {
            metrics.UsageLate(late);
        }
    }

    private static async Task<Results<Accepted<UsageRecordResponse>, ProblemHttpResult>> ReportAsync(
        ReportUsageRequest? body, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, HttpContext http,
        UsageIntake intake, UsageLedger ledger, TallyMetrics metrics, CancellationToken ct)
    {
        if (body is null)
        {
            return metrics.Rejected(Problems.Validation("quantity", "is required."));
        }

        if (UsageRules.CheckIdempotencyKey(idempotencyKey) is { } badKey)
        {
            return metrics.Rejected(badKey.ToProblem());
        }

        var (userId, customerId, forbidden) = await ActingUserAsync(http, body.UserId, ct);
        if (forbidden is not null)
        {
            return metrics.Rejected(forbidden);
        }

        var report = new UsageReport(userId, customerId, body.Quantity, body.SubscriptionItemId, body.Metadata, body.Timestamp, idempotencyKey);
        var (record, problem) = await intake.PrepareAsync(report, ct);
        if (record is null)
        {
            return metrics.Rejected(problem!.ToProblem());
        }

        if (!ledger.TryStore([record], out var stored))
        {
            return metrics.Rejected(Busy(http));
        }

        var result = (await stored.WaitAsync(ct))[0];
        if (result.Duplicate && result.Record.RequestHash != record.RequestHash)
        {
            return metrics.Rejected(KeyReused());
        }

        metrics.Stored(result.Duplicate ? 0 : 1, result.Duplicate ? 1 : 0, !result.Duplicate && result.Record.Late ? 1 : 0);
        return TypedResults.Accepted((string?)null, result.Record.ToResponse());
    }
}
