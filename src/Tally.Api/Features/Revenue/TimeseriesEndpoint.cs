using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Features.Revenue;

/// <summary>One bucket: the dashboard's figures as of the bucket's end, exactly what <c>/api/admin/revenue?as_of=</c> answers.</summary>
internal sealed record TimeseriesPoint(
    DateTimeOffset BucketStart, DateTimeOffset AsOf, decimal? Mrr, decimal? Arr, decimal? UsageMrr, decimal? MrrIncludingUsage, int ActiveCustomers, int ActiveSubscriptions,
    MovementsResponse? Movements, IReadOnlyDictionary<string, CurrencyRevenue> ByCurrency, IReadOnlyList<FxError> FxErrors);

internal sealed record TimeseriesResponse(DateTimeOffset From, DateTimeOffset To, string Interval, string ReportingCurrency, IReadOnlyList<TimeseriesPoint> Points);

internal static class TimeseriesEndpoint
{
    public const int MaxPoints = 400;

    public static async Task<Results<Ok<TimeseriesResponse>, ProblemHttpResult>> GetAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? interval, [AsParameters] RevenueQuery query, RevenueReports reports, ProjectedRevenue projected,
        IOptions<RevenueOptions> options, StripeSettings stripe, TimeProvider clock, CancellationToken ct)
    {
        if (!query.TryPolicy(options.Value, out var policy, out var problem))
        {
            return problem!;
        }

        var step = interval ?? "month";
        if (step is not ("day" or "week" or "month"))
        {
            return Problems.Validation("interval", "must be day, week or month.");
        }

        var end = (to ?? clock.GetUtcNow()).ToUniversalTime();
        var start = (from ?? Next(end, step, -12)).ToUniversalTime();
        if (start >= end)
        {
            return Problems.Validation("from", "must be before to.");
        }

        var ends = new List<DateTimeOffset>();
        for (var k = 1; Next(start, step, k) <= end; k++)
        {
            if (ends.Count == MaxPoints)
            {
                return Problems.Validation("to", $"gives more than {MaxPoints} buckets; use a longer interval.");
            }

            ends.Add(Next(start, step, k));
        }

        // Every point's levels (at its end and 30 days before) from one read of the daily deltas.
        await projected.PreloadAsync([.. ends, .. ends.Select(e => e - RevenueReports.Window)], policy, ct);
        var points = new List<TimeseriesPoint>(ends.Count);
        var bucketStart = start;
        foreach (var asOf in ends)
        {
            var r = await reports.ComputeAsync(asOf, policy, ct);
            points.Add(new TimeseriesPoint(bucketStart, r.AsOf, r.Mrr, r.Arr, r.UsageMrr, r.MrrIncludingUsage, r.ActiveCustomers, r.ActiveSubscriptions, r.Movements, r.ByCurrency, r.FxErrors));
            bucketStart = asOf;
        }

        return TypedResults.Ok(new TimeseriesResponse(start, end, step, stripe.DefaultCurrency, points));
    }

    private static DateTimeOffset Next(DateTimeOffset t, string step, int k) => step switch
    {
        "day" => t.AddDays(k),
        "week" => t.AddDays(7 * k),
        _ => t.AddMonths(k),
    };
}
