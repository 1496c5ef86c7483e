using System.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Features.Usage;

/// <summary>The dashboard's pipeline figures: intake and backlog per minute, and the heaviest users of the current period.</summary>
internal static class UsageActivity
{
    public const int MaxMinutes = 1440;
    public const int MaxTop = 100;

    /// <summary>
    /// Per minute of the last <paramref name="minutes"/>: records created in it, and records created before its end and not
    /// delivered before it (exact from <c>created_at</c> and <c>reported_at</c>). Failed records are not counted as waiting:
    /// the ledger does not store when they failed. Reads the window's records through the <c>created_at</c> and
    /// <c>reported_at</c> indexes and counts the older pending ones.
    /// </summary>
    public static async Task<Results<Ok<UsageActivityResponse>, ProblemHttpResult>> ActivityAsync(
        TallyDbContext db, TimeProvider clock, int? minutes, CancellationToken ct)
    {
        var n = minutes ?? 60;
        if (n is < 1 or > MaxMinutes)
        {
            return Problems.Validation("minutes", $"must be between 1 and {MaxMinutes}.");
        }

        var now = clock.GetUtcNow();
        var currentMinute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var from = currentMinute.AddMinutes(1 - n);

        // One snapshot for the three reads, so a flush between them cannot count a record twice.
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var (pending, oldest) = await UsageFlusher.BacklogAsync(db, ct);
        var created = await UsageMinutes.CreatedAsync(db, from, ct);
        var delivered = await UsageMinutes.DeliveredAsync(db, from, ct);
        await tx.CommitAsync(ct);

        // Waiting at the window's start: created before it and still pending, or delivered since.
        var waitingBefore = pending - created.Sum(m => m.Pending) + delivered.Sum(m => m.Earlier);

        var accepted = new int[n];
        var joined = new long[n];  // records that started waiting in minute i (failed ones never count)
        var left = new long[n];    // records delivered in minute i
        foreach (var m in created)
        {
            accepted[Clamp(m.Minute)] += (int)m.Total;
            joined[Clamp(m.Minute)] += m.Waiting;
        }

        foreach (var m in delivered)
        {
            left[Clamp(m.Minute)] += m.Total;
        }

        var points = new List<UsageActivityMinute>(n);
        var waiting = (long)waitingBefore;
        for (var i = 0; i < n; i++)
        {
            // Waiting at minute i's end: started waiting before its end, not delivered before it.
            waiting += joined[i] - left[i];
            points.Add(new UsageActivityMinute(from.AddMinutes(i), accepted[i], (int)waiting));
        }

        return TypedResults.Ok(new UsageActivityResponse(n, from, now, pending, oldest is { } o ? (now - o).TotalSeconds : null, points));

        int Clamp(long minute) => (int)Math.Clamp(minute, 0, n - 1);
    }

    /// <summary>Per customer and meter, the usage of the billing period holding now, largest first.</summary>
    public static async Task<Results<Ok<TopUsageCustomersResponse>, ProblemHttpResult>> TopCustomersAsync(
        TallyDbContext db, UserAccounts users, TimeProvider clock, int? limit, CancellationToken ct)
    {
        var take = limit ?? 10;
        if (take is < 1 or > MaxTop)
        {
            return Problems.Validation("limit", $"must be between 1 and {MaxTop}.");
        }

        var now = clock.GetUtcNow();
        var groups = await db.Set<UsageRecord>().AsNoTracking()
            .Where(r => r.PeriodEnd > now && r.PeriodStart <= now)
            .GroupBy(r => new { r.UserId, r.StripeCustomerId, r.MeterEventName, r.PeriodStart, r.PeriodEnd })
            .Select(g => new { g.Key, Quantity = g.Sum(r => r.Quantity), Records = g.Count() })
            .ToListAsync(ct);
        var top = groups.OrderByDescending(g => g.Quantity).ThenBy(g => g.Key.StripeCustomerId, StringComparer.Ordinal)
            .ThenBy(g => g.Key.MeterEventName, StringComparer.Ordinal).Take(take).ToList();
        var accounts = await users.FindManyAsync([.. top.Select(g => g.Key.UserId)], ct);
        return TypedResults.Ok(new TopUsageCustomersResponse(now, [.. top.Select(g => new TopUsageCustomer(
            g.Key.UserId, accounts.GetValueOrDefault(g.Key.UserId)?.Email, g.Key.StripeCustomerId, g.Key.MeterEventName, g.Key.PeriodStart,
            g.Key.PeriodEnd, UsageRules.Normalized(g.Quantity), g.Records))]));
    }
}
