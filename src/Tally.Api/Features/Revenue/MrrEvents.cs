namespace Tally.Api.Features.Revenue;

/// <summary>
/// A change of one customer's MRR in one currency at <see cref="At"/>, from <see cref="Before"/> to <see cref="After"/>
/// (a boundary of its <see cref="CustomerMrrInterval"/> rows where the MRR differs; absent counts as 0), with its
/// neighbouring changes. A window's movements are the changes inside it, each classified on its own (pre-summed per
/// day in <see cref="MrrDailyDelta"/>), corrected exactly for the customers with two or more changes inside it
/// (<see cref="WindowMovements"/>).
/// </summary>
internal sealed class MrrEvent
{
    public long Id { get; set; }

    public required string CustomerId { get; set; }

    public required string Currency { get; set; }

    public int Cohort { get; set; }

    public DateTimeOffset At { get; set; }

    public decimal Before { get; set; }

    public decimal After { get; set; }

    /// <summary>The previous change of this customer and currency (null: none).</summary>
    public DateTimeOffset? PreviousAt { get; set; }

    /// <summary>The change before the previous one (null: none): a window holding this change and its previous one holds a third when this lies inside it.</summary>
    public DateTimeOffset? EarlierAt { get; set; }

    /// <summary><see cref="Before"/> of the previous change (0: none): a customer's MRR at a window's start when the window holds exactly this change and the previous one.</summary>
    public decimal PreviousBefore { get; set; }

    /// <summary>
    /// For a window holding exactly this change and the previous one: classify(<see cref="PreviousBefore"/>, <see cref="After"/>)
    /// minus the two changes classified alone (from 0 in <see cref="PairFromZero"/>); window-independent, so summed in SQL.
    /// </summary>
    public decimal PairFromZero { get; set; }

    public decimal PairExpansion { get; set; }

    public decimal PairContraction { get; set; }

    public decimal PairChurn { get; set; }

    /// <summary>The next change of this customer and currency (null: none).</summary>
    public DateTimeOffset? NextAt { get; set; }

    /// <summary>The previous change lies less than one window (<see cref="RevenueReports.Window"/>) before: only such a change can be a customer's second inside a window.</summary>
    public bool Repeat { get; set; }

    /// <summary>From 0 to a positive MRR: new or reactivation, told apart per window (paid before its start).</summary>
    public bool FromZero { get; set; }

    /// <summary>The change classified on its own (§3.9), with "from zero" in <see cref="Movements.New"/> (not yet split from reactivation).</summary>
    public Movements Alone() => Movements.Classify(Before, After, false);

    /// <summary>One customer's changes, from all its rows (every currency).</summary>
    public static List<MrrEvent> Of(string customerId, int cohort, IReadOnlyList<CustomerMrrInterval> rows)
    {
        var events = new List<MrrEvent>();
        foreach (var currency in rows.GroupBy(r => r.Currency, StringComparer.Ordinal))
        {
            var changes = new List<(DateTimeOffset At, decimal Before, decimal After)>();
            CustomerMrrInterval? previous = null;
            foreach (var r in currency.OrderBy(r => r.ValidFrom))
            {
                var contiguous = previous is not null && previous.ValidTo == r.ValidFrom;
                if (previous is { ValidTo: { } end } && !contiguous)
                {
                    changes.Add((end, previous.Mrr, 0m));
                }

                changes.Add((r.ValidFrom, contiguous ? previous!.Mrr : 0m, r.Mrr));
                previous = r;
            }

            if (previous is { ValidTo: { } last })
            {
                changes.Add((last, previous.Mrr, 0m));
            }

            var real = changes.Where(c => c.Before != c.After).ToList();
            for (var i = 0; i < real.Count; i++)
            {
                DateTimeOffset? before = i > 0 ? real[i - 1].At : null;
                var pair = i == 0 ? Movements.Zero : Movements.Classify(real[i - 1].Before, real[i].After, false)
                    .Add(Movements.Classify(real[i - 1].Before, real[i - 1].After, false).Scale(-1)).Add(Movements.Classify(real[i].Before, real[i].After, false).Scale(-1));
                events.Add(new MrrEvent
                {
                    PairFromZero = pair.New, PairExpansion = pair.Expansion, PairContraction = pair.Contraction, PairChurn = pair.Churn,
                    CustomerId = customerId, Currency = currency.Key, Cohort = cohort, At = real[i].At, Before = real[i].Before, After = real[i].After,
                    PreviousAt = before, NextAt = i + 1 < real.Count ? real[i + 1].At : null,
                    EarlierAt = i > 1 ? real[i - 2].At : null, PreviousBefore = i > 0 ? real[i - 1].Before : 0m,
                    Repeat = before is { } p && p > real[i].At - RevenueReports.Window, FromZero = real[i].Before == 0 && real[i].After > 0,
                });
            }
        }

        return events;
    }
}
