using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>One cell's raw figures: members paying at the cell's instant, and the members' MRR per currency (minor units).</summary>
internal sealed record CohortCellFacts(int Active, IReadOnlyDictionary<string, decimal> Minor);

/// <summary>Members per signup month and the cells of the grid, from the history (direct) or from the projection.</summary>
internal sealed class CohortFacts
{
    public Dictionary<DateTimeOffset, int> Members { get; } = [];

    public Dictionary<(DateTimeOffset Month, DateTimeOffset AsOf), CohortCellFacts> Cells { get; } = [];

    /// <summary>Month k of a cohort is measured at the end of its k-th month, or at <paramref name="end"/> if sooner.</summary>
    public static IEnumerable<(DateTimeOffset Month, int K, DateTimeOffset AsOf)> Grid(IReadOnlyList<DateTimeOffset> months, DateTimeOffset end)
    {
        foreach (var month in months)
        {
            for (var k = 0; month.AddMonths(k) < end; k++)
            {
                yield return (month, k, month.AddMonths(k + 1) < end ? month.AddMonths(k + 1) : end);
            }
        }
    }

    public static CohortFacts Direct(RevenueWindow window, IReadOnlyList<DateTimeOffset> months, DateTimeOffset end, RevenuePolicy policy)
    {
        var facts = new CohortFacts();
        var signups = CohortsEndpoint.Signups(window, policy);
        var snapshots = new Dictionary<DateTimeOffset, MrrSnapshot>();
        MrrSnapshot At(DateTimeOffset t) => snapshots.TryGetValue(t, out var s) ? s : snapshots[t] = MrrSnapshot.At(window, t, policy);
        var members = months.ToDictionary(m => m, m => signups.Where(kv => kv.Value >= m && kv.Value < m.AddMonths(1)).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal));
        foreach (var (month, count) in members)
        {
            facts.Members[month] = count.Count;
        }

        foreach (var (month, _, asOf) in Grid(months, end))
        {
            var snapshot = At(asOf);
            var inCohort = members[month];
            facts.Cells[(month, asOf)] = new CohortCellFacts(
                snapshot.ActiveCustomers().Count(inCohort.Contains),
                snapshot.ByCustomer.Where(kv => inCohort.Contains(kv.Key.Customer)).GroupBy(kv => kv.Key.Currency, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal));
        }

        return facts;
    }

    /// <summary>Null when the projection does not serve <paramref name="policy"/> or is behind.</summary>
    public static async Task<CohortFacts?> ProjectedAsync(
        TallyDbContext db, RevenueProjection projection, ProjectedRevenue projected, IReadOnlyList<DateTimeOffset> months, DateTimeOffset end,
        RevenuePolicy policy, CancellationToken ct)
    {
        if (!projection.Serves(policy) || !await projection.ReadyAsync(ct))
        {
            return null;
        }

        var facts = new CohortFacts();
        var first = months[0];
        var last = months[^1].AddMonths(1);
        var counts = await db.Set<CustomerSignup>().AsNoTracking().Where(s => s.SignupAt >= first && s.SignupAt < last && s.StateFrom <= end)
            .GroupBy(s => s.Cohort).Select(g => new { Cohort = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Cohort, g => g.Count, ct);
        foreach (var month in months)
        {
            facts.Members[month] = counts.GetValueOrDefault(MrrIntervals.CohortOf(month));
        }

        await projected.PreloadAsync([.. Grid(months, end).Select(g => g.AsOf).Distinct()], policy, ct);
        foreach (var (month, _, asOf) in Grid(months, end))
        {
            var at = await projected.TotalsAsync(asOf, ct);

            var cohort = MrrIntervals.CohortOf(month);
            facts.Cells[(month, asOf)] = new CohortCellFacts(
                at.GetValueOrDefault(("", cohort))?.ActiveCustomers ?? 0,
                at.Where(kv => kv.Key.Cohort == cohort && kv.Key.Currency.Length > 0 && kv.Value.Present > 0)
                    .ToDictionary(kv => kv.Key.Currency, kv => kv.Value.Mrr, StringComparer.Ordinal));
        }

        return facts;
    }
}
