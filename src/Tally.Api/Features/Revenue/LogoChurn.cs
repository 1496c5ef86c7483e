namespace Tally.Api.Features.Revenue;

/// <summary>Customer (logo) churn over (T0, T] by the formula in force (§3.8).</summary>
internal sealed record LogoChurn(string Formula, int AtStart, int Churned, int New)
{
    public decimal? Rate => Formula switch
    {
        "stripe" => AtStart + New == 0 ? null : (decimal)Churned / (AtStart + New),
        _ => AtStart == 0 ? null : (decimal)Churned / AtStart,
    };

    /// <summary>Customers whose paying history must be known to tell new from reactivated.</summary>
    public static IEnumerable<string> Candidates(RevenueWindow window, MrrSnapshot start, string formula) =>
        formula == "cohort" ? [] : window.States.Select(s => s.CustomerId).Distinct().Except(start.ActiveCustomers());

    public static LogoChurn Compute(
        RevenueWindow window, MrrSnapshot start, MrrSnapshot end, RevenuePolicy policy, IReadOnlySet<string> payingBefore)
    {
        var a0 = start.ActiveCustomers();
        if (policy.ChurnFormula == "cohort")
        {
            return new LogoChurn("cohort", a0.Count, a0.Except(end.ActiveCustomers()).Count(), 0);
        }

        // Every active→inactive transition inside the window counts, including a customer who joined
        // and left in it; "new" are first-ever activations (no paying history, not active at T0).
        var previous = a0;
        var churned = 0;
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instant in Instants(window, policy))
        {
            var now = MrrSnapshot.At(window, instant, policy).ActiveCustomers();
            churned += previous.Except(now).Count();
            fresh.UnionWith(now.Except(previous).Where(c => !a0.Contains(c) && !payingBefore.Contains(c)));
            previous = now;
        }

        return new LogoChurn(policy.ChurnFormula, a0.Count, churned, fresh.Count);
    }

    /// <summary>Each instant of (T0, T] at which some subscription's MRR may change.</summary>
    private static IEnumerable<DateTimeOffset> Instants(RevenueWindow window, RevenuePolicy policy)
    {
        var moments = new SortedSet<DateTimeOffset> { window.To };
        foreach (var s in window.States)
        {
            moments.Add(s.From);
            foreach (var t in new[] { s.TrialEnd, s.EndedAt, policy.CancelsAtRequest ? s.CanceledAt : null })
            {
                if (t is { } v)
                {
                    moments.Add(v);
                }
            }

            foreach (var d in s.Discounts)
            {
                moments.UnionWith(new[] { d.Start, d.End }.OfType<DateTimeOffset>());
            }
        }

        return moments.Where(m => m > window.From && m <= window.To);
    }
}
