using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Usage;

/// <summary>The admins' side of the pipeline: corrections, reconciliation with Stripe, health, retrying failed records.</summary>
internal static class UsageAdminEndpoints
{
    public static void MapUsageAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/usage").WithTags("Usage").RequireRole(Role.Admin);
        admin.MapPost("/corrections", CorrectAsync).WithName("CorrectUsage").ProducesProblems(400, 404, 409, 413, 415, 422, 503);
        admin.MapGet("/reconciliation", ReconcileAsync).WithName("ReconcileUsage").ProducesProblems(400);
        admin.MapGet("/health", HealthAsync).WithName("UsageHealth");
        admin.MapPost("/failed/retry", RetryFailedAsync).WithName("RetryFailedUsage");
        admin.MapGet("/corrections", UsageAdminLists.CorrectionsAsync).WithName("ListUsageCorrections")
            .WithSummary("Corrections made, newest first.").ProducesProblems(400);
        admin.MapGet("/records", UsageAdminLists.RecordsAsync).WithName("ListAllUsageRecords")
            .WithSummary("Every user's usage records (status pending, delivered, failed or late), newest first.").ProducesProblems(400);
        admin.MapGet("/activity", UsageActivity.ActivityAsync).WithName("UsageActivity")
            .WithSummary("Per minute of the last ?minutes= (1-1440, default 60): reports accepted and the backlog at the minute's end.").ProducesProblems(400);
        admin.MapGet("/top_customers", UsageActivity.TopCustomersAsync).WithName("TopUsageCustomers")
            .WithSummary("Customers by usage in their current billing period, per meter, largest first.").ProducesProblems(400);
    }

    /// <summary>An audited compensating record (negative or positive), delivered like any other report. Nothing is deleted.</summary>
    private static async Task<Results<Accepted<UsageRecordResponse>, ProblemHttpResult>> CorrectAsync(
        CorrectionRequest? body, HttpContext http, ClaimsPrincipal principal, UserAccounts users, UsageIntake intake, UsageLedger ledger, CancellationToken ct)
    {
        if (body?.UserId is not { } userId)
        {
            return Problems.Validation("user_id", "is required.");
        }

        if (string.IsNullOrWhiteSpace(body.SubscriptionItemId))
        {
            return Problems.Validation("subscription_item_id", "is required.");
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 1000)
        {
            return Problems.Validation("reason", "is required, at most 1000 characters.");
        }

        if (await users.FindAsync(userId, ct) is not { } user)
        {
            return Problems.NotFound("user_not_found", $"No user has id {userId}.");
        }

        var report = new UsageReport(user.Id, user.StripeCustomerId, body.Quantity, body.SubscriptionItemId, null, body.Timestamp, null,
            UsageKind.Correction, body.Reason.Trim(), principal.Actor());
        var (record, problem) = await intake.PrepareAsync(report, ct);
        if (record is null)
        {
            return problem!.ToProblem();
        }

        if (!ledger.TryStore([record], out var stored))
        {
            return UsageEndpoints.Busy(http);
        }

        return TypedResults.Accepted((string?)null, (await stored.WaitAsync(ct))[0].Record.ToResponse());
    }

    /// <summary>Per customer and meter: Tally's total for the period against Stripe's meter event summaries.</summary>
    private static async Task<Results<Ok<ReconciliationResponse>, ProblemHttpResult>> ReconcileAsync(
        TallyDbContext db, StripeGateway gateway, TimeProvider clock, string? period, CancellationToken ct)
    {
        period ??= "current";
        if (period is not ("current" or "previous"))
        {
            return Problems.Validation("period", "must be current or previous.");
        }

        var now = clock.GetUtcNow();
        var keys = await db.Set<UsageRecord>().AsNoTracking()
            .Where(r => period == "current" ? r.PeriodEnd > now && r.PeriodStart <= now : r.PeriodEnd <= now)
            .Select(r => new { r.StripeCustomerId, r.UserId, r.MeterEventName, r.MeterId, r.PeriodStart, r.PeriodEnd }).Distinct().ToListAsync(ct);
        if (period == "previous")
        {
            // The latest ended period of each customer and meter.
            keys = [.. keys.GroupBy(k => (k.StripeCustomerId, k.MeterEventName)).Select(g => g.MaxBy(k => k.PeriodEnd)!)];
        }

        var rows = new List<ReconciliationRow>();
        foreach (var k in keys.OrderBy(k => k.StripeCustomerId, StringComparer.Ordinal).ThenBy(k => k.MeterEventName, StringComparer.Ordinal))
        {
            var totals = (await db.Set<UsageRecord>().AsNoTracking()
                .Where(r => r.StripeCustomerId == k.StripeCustomerId && r.MeterEventName == k.MeterEventName && r.PeriodStart == k.PeriodStart)
                .Select(r => new { r.Quantity, r.Status }).ToListAsync(ct));
            var local = totals.Sum(t => t.Quantity);
            var delivered = totals.Where(t => t.Status == UsageStatus.Reported).Sum(t => t.Quantity);
            var stripe = await gateway.MeterTotalAsync(k.MeterId, k.StripeCustomerId, k.PeriodStart, k.PeriodEnd, ct);
            rows.Add(new ReconciliationRow(k.StripeCustomerId, k.UserId, k.MeterEventName, k.PeriodStart, k.PeriodEnd, local, delivered, stripe, local - stripe));
        }

        return TypedResults.Ok(new ReconciliationResponse(period, rows));
    }

    private static async Task<Ok<UsageHealthResponse>> HealthAsync(
        TallyDbContext db, UsageLedger ledger, UsagePipelineState state, Microsoft.Extensions.Options.IOptions<UsageOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var records = db.Set<UsageRecord>().AsNoTracking();
        var (pending, oldest) = await UsageFlusher.BacklogAsync(db, ct);
        var failed = await records.CountAsync(r => r.Status == UsageStatus.Failed, ct);
        var late = await records.CountAsync(r => r.Late, ct);
        var open = await db.Set<UsageBatch>().CountAsync(b => b.Status == BatchStatus.Open, ct);
        return TypedResults.Ok(new UsageHealthResponse(pending, oldest is { } o ? (clock.GetUtcNow() - o).TotalSeconds : null, failed, late, open,
            state.LastFlushAt, state.LastStripeError, ledger.QueueDepth, options.Value.Mode));
    }

    /// <summary>Puts failed records back in the queue: they go out in new batches (the failed ones were never counted by Stripe).</summary>
    private static async Task<Ok<RetryFailedResponse>> RetryFailedAsync(TallyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(new RetryFailedResponse(await db.Set<UsageRecord>().Where(r => r.Status == UsageStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, UsageStatus.Pending).SetProperty(r => r.BatchId, (string?)null), ct)));
}
