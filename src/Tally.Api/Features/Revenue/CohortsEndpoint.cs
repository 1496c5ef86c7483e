using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Features.Revenue;

/// <summary>Month k of a cohort, measured at the end of the k-th month after signup (or at <c>to</c> if sooner).</summary>
internal sealed record CohortCell(int MonthsSinceSignup, DateTimeOffset AsOf, int ActiveCustomers, decimal? CustomerRetention, decimal? Mrr, decimal? MrrRetention);

/// <summary>Customers whose first paying instant (MRR &gt; 0) fell in <see cref="Month"/>.</summary>
internal sealed record Cohort(string Month, int Customers, IReadOnlyList<CohortCell> Cells);

internal sealed record CohortsResponse(DateTimeOffset From, DateTimeOffset To, string ReportingCurrency, IReadOnlyList<Cohort> Cohorts, IReadOnlyList<FxError> FxErrors);

/// <summary>Monthly signup cohorts × months since signup: customer and MRR retention (the grid ChartMogul and Baremetrics show).</summary>
internal static class CohortsEndpoint
{
    public const int MaxMonths = 60;

    public static async Task<Results<Ok<CohortsResponse>, ProblemHttpResult>> GetAsync(
        DateTimeOffset? from, DateTimeOffset? to, [AsParameters] RevenueQuery query, RevenueData data, FxRates fx,
        IOptions<RevenueOptions> options, StripeSettings stripe, TimeProvider clock, TallyDbContext db, RevenueProjection projection,
        ProjectedRevenue projected, CancellationToken ct)
    {
        if (!query.TryPolicy(options.Value, out var policy, out var problem))
        {
            return problem!;
        }

        var end = (to ?? clock.GetUtcNow()).ToUniversalTime();
        var first = MonthOf((from ?? end.AddMonths(-23)).ToUniversalTime());
        if (first >= end)
        {
            return Problems.Validation("from", "must be before to.");
        }

        var months = new List<DateTimeOffset>();
        for (var m = first; m < end; m = m.AddMonths(1))
        {
            if (months.Count == MaxMonths)
            {
                return Problems.Validation("from", $"spans more than {MaxMonths} months.");
            }

            months.Add(m);
        }

        var facts = await CohortFacts.ProjectedAsync(db, projection, projected, months, end, policy, ct)
            ?? CohortFacts.Direct(await data.LoadAsync(DateTimeOffset.UnixEpoch, end, ct), months, end, policy);
        var rates = await fx.AtAsync(stripe.DefaultCurrency, DateOnly.FromDateTime(end.UtcDateTime), ct);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var cohorts = new List<Cohort>();
        foreach (var month in months)
        {
            var members = facts.Members[month];
            var cells = new List<CohortCell>();
            decimal? baseMrr = null;
            foreach (var (_, k, asOf) in CohortFacts.Grid([month], end))
            {
                var (active, minor) = facts.Cells[(month, asOf)];
                missing.UnionWith(minor.Where(g => g.Value > 0 && rates.RateOf(g.Key) is null).Select(g => g.Key));
                decimal? mrr = minor.All(g => rates.RateOf(g.Key) is not null)
                    ? minor.Sum(g => Money.Major(g.Value, g.Key) * rates.RateOf(g.Key)!.Value)
                    : null;
                baseMrr ??= k == 0 ? mrr : null;
                cells.Add(new CohortCell(k, asOf, active, members == 0 ? null : Money.Round((decimal)active / members, 4),
                    Money.Round(mrr, 2), baseMrr is > 0 && mrr is { } v ? Money.Round(v / baseMrr.Value, 4) : null));
            }

            cohorts.Add(new Cohort(month.ToString("yyyy-MM"), members, cells));
        }

        var errors = missing.Select(c => new FxError(c, "fx_rate_missing", $"No {c}→{stripe.DefaultCurrency} rate dated on or before {rates.Date:yyyy-MM-dd}.")).ToList();
        return TypedResults.Ok(new CohortsResponse(first, end, stripe.DefaultCurrency, cohorts, errors));
    }

    /// <summary>Each customer's first instant with MRR &gt; 0: a state's start, or its trial's end inside it.</summary>
    public static Dictionary<string, DateTimeOffset> Signups(RevenueWindow window, RevenuePolicy policy)
    {
        var first = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var s in window.States)
        {
            foreach (var t in new[] { s.From, s.TrialEnd ?? s.From }.Where(s.ValidAt).Distinct())
            {
                if (MrrCalculator.SubMrr(s, t, window.Prices, policy, window.UsageAt(s.SubscriptionId, t, policy)) > 0
                    && (!first.TryGetValue(s.CustomerId, out var known) || t < known))
                {
                    first[s.CustomerId] = t;
                }
            }
        }

        return first;
    }

    private static DateTimeOffset MonthOf(DateTimeOffset t) => new(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero);
}
