namespace Tally.Api.Features.Revenue;

/// <summary>What customer rows add to (+1) or take from (−1) the daily deltas, accumulated in memory per (day, currency, cohort).</summary>
internal sealed class DailyDeltas
{
    private readonly Dictionary<(DateTimeOffset Day, string Currency, int Cohort), MrrDailyDelta> deltas = [];

    public IReadOnlyDictionary<(DateTimeOffset Day, string Currency, int Cohort), MrrDailyDelta> Values => deltas;

    public void Move(CustomerMrrInterval r, int sign)
    {
        Add(r.ValidFrom, r.Currency, r.Cohort, sign, r);
        if (r.ValidTo is { } to)
        {
            Add(to, r.Currency, r.Cohort, -sign, r);
        }
    }

    public void Move(CustomerActivity a, int sign)
    {
        Add(a.ValidFrom, "", a.Cohort, sign, null);
        if (a.ValidTo is { } to)
        {
            Add(to, "", a.Cohort, -sign, null);
        }
    }

    public void Move(MrrEvent e, int sign)
    {
        var d = Row(e.At, e.Currency, e.Cohort);
        var m = e.Alone();
        d.MovedFromZero += sign * m.New;
        d.MovedExpansion += sign * m.Expansion;
        d.MovedContraction += sign * m.Contraction;
        d.MovedChurn += sign * m.Churn;
    }

    /// <summary>Counts <paramref name="r"/> (or, without it, one paying customer) on <paramref name="at"/>'s day, times <paramref name="sign"/>.</summary>
    private void Add(DateTimeOffset at, string currency, int cohort, int sign, CustomerMrrInterval? r)
    {
        var d = Row(at, currency, cohort);
        if (r is null)
        {
            d.ActiveCustomers += sign;
            return;
        }

        d.Mrr += sign * r.Mrr;
        d.ActiveCustomers += r.Active ? sign : 0;
        d.ActiveSubscriptions += sign * r.ActiveSubscriptions;
        d.ScheduledToCancel += sign * r.ScheduledToCancel;
        d.Present += sign;
    }

    private MrrDailyDelta Row(DateTimeOffset at, string currency, int cohort)
    {
        var key = (MrrIntervals.DayOf(at), currency, cohort);
        if (!deltas.TryGetValue(key, out var d))
        {
            deltas[key] = d = new MrrDailyDelta { Day = key.Item1, Currency = currency, Cohort = cohort };
        }

        return d;
    }
}
