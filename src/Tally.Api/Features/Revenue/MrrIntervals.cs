namespace Tally.Api.Features.Revenue;

/// <summary>
/// The projection's arithmetic, pure: a recorded state cut where <see cref="MrrCalculator.SubMrr"/> can change
/// (trial end, end, cancellation request under <c>at_request</c>, a discount's start or end), each piece evaluated
/// by the calculator itself at its start; then a customer's pieces summed per currency, its paying spans and signup.
/// </summary>
internal static class MrrIntervals
{
    /// <summary>
    /// Stored MRR is rounded to 12 decimals of a minor unit: sums of a million rows then stay exact in SQL and in
    /// <c>decimal</c> (PostgreSQL's numeric sum of 28-digit values would not fit a <c>decimal</c>), and the error is
    /// below 10⁻⁶ of a minor unit on any total, far under the output rounding.
    /// </summary>
    public const int Scale = 12;

    public static IEnumerable<SubscriptionMrrInterval> Pieces(SubscriptionState s, IReadOnlyDictionary<string, PriceTerms> prices, RevenuePolicy policy)
    {
        var cuts = new SortedSet<DateTimeOffset> { s.From };
        var moments = new[] { s.TrialEnd, s.EndedAt, policy.CancelsAtRequest ? s.CanceledAt : null }.Concat(s.Discounts.SelectMany(d => new[] { d.Start, d.End }));
        foreach (var m in moments)
        {
            if (m is { } v && v > s.From && (s.To is null || v < s.To))
            {
                cuts.Add(v);
            }
        }

        var currency = MrrCalculator.Currency(s, prices);
        var missing = s.Items.Select(i => i.Price).Where(p => !prices.ContainsKey(p)).Distinct().Order(StringComparer.Ordinal).ToList();
        var starts = cuts.ToList();
        for (var i = 0; i < starts.Count; i++)
        {
            var from = starts[i];
            yield return new SubscriptionMrrInterval
            {
                SubscriptionId = s.SubscriptionId, CustomerId = s.CustomerId, Currency = currency, ValidFrom = from,
                ValidTo = i + 1 < starts.Count ? starts[i + 1] : s.To, Mrr = Math.Round(MrrCalculator.SubMrr(s, from, prices, policy), Scale),
                Eligible = MrrCalculator.Eligible(s, from, policy), ScheduledToCancel = s.ScheduledToCancel,
                SignupCandidate = from == s.From || from == s.TrialEnd, StateFrom = s.From,
                MissingPrices = missing.Count == 0 ? null : string.Join(',', missing),
            };
        }
    }

    /// <summary>One customer's rows, from all its subscriptions' pieces.</summary>
    public static (List<CustomerMrrInterval> Mrr, List<CustomerActivity> Activity, CustomerSignup? Signup) Customer(
        string customerId, IReadOnlyList<SubscriptionMrrInterval> pieces)
    {
        var first = pieces.Where(p => p.SignupCandidate && p.Mrr > 0).OrderBy(p => p.ValidFrom).FirstOrDefault();
        var cohort = first is null ? 0 : CohortOf(first.ValidFrom);
        var signup = first is null ? null : new CustomerSignup { CustomerId = customerId, SignupAt = first.ValidFrom, StateFrom = first.StateFrom, Cohort = cohort };
        var mrr = new List<CustomerMrrInterval>();
        foreach (var currency in pieces.Where(p => p.Currency is not null).GroupBy(p => p.Currency!, StringComparer.Ordinal))
        {
            var rows = currency.ToList();
            foreach (var (from, to, v) in Sweep(rows, r => r.ValidFrom, r => r.ValidTo, Sum))
            {
                mrr.Add(new CustomerMrrInterval
                {
                    CustomerId = customerId, Currency = currency.Key, Cohort = cohort, ValidFrom = from, ValidTo = to, Mrr = v.Mrr,
                    Active = v.Mrr > 0, ActiveSubscriptions = v.Subscriptions, ScheduledToCancel = v.ScheduledToCancel,
                });
            }
        }

        var paying = mrr.Where(m => m.Active).ToList();
        var activity = Sweep(paying, r => r.ValidFrom, r => r.ValidTo, covering => covering.Count == 0 ? null : Paying.Yes)
            .Select(s => new CustomerActivity { CustomerId = customerId, Cohort = cohort, ValidFrom = s.From, ValidTo = s.To }).ToList();
        return (mrr, activity, signup);
    }

    public static int CohortOf(DateTimeOffset t) => (t.UtcDateTime.Year * 100) + t.UtcDateTime.Month;

    public static DateTimeOffset DayOf(DateTimeOffset t) => new(t.UtcDateTime.Date, TimeSpan.Zero);

    private static Segment? Sum(IReadOnlyList<SubscriptionMrrInterval> covering) => covering.Count == 0 ? null : new Segment(
        covering.Sum(p => p.Mrr), covering.Count(p => p.Mrr > 0), covering.Where(p => p.Mrr > 0 && p.ScheduledToCancel).Sum(p => p.Mrr));

    /// <summary>
    /// Cuts the rows' union at every boundary; <paramref name="value"/> of the rows covering each span (null = a gap);
    /// adjacent spans with equal values are merged.
    /// </summary>
    private static List<(DateTimeOffset From, DateTimeOffset? To, TValue Value)> Sweep<TRow, TValue>(
        IReadOnlyList<TRow> rows, Func<TRow, DateTimeOffset> from, Func<TRow, DateTimeOffset?> to, Func<IReadOnlyList<TRow>, TValue?> value)
        where TValue : class
    {
        var bounds = rows.Select(from).Concat(rows.Select(to).OfType<DateTimeOffset>()).Distinct().Order().ToList();
        var result = new List<(DateTimeOffset From, DateTimeOffset? To, TValue Value)>();
        for (var i = 0; i < bounds.Count; i++)
        {
            var start = bounds[i];
            DateTimeOffset? end = i + 1 < bounds.Count ? bounds[i + 1] : null;
            var covering = rows.Where(r => from(r) <= start && (to(r) is not { } t || t > start)).ToList();
            if (value(covering) is not { } v || (end is null && covering.All(r => to(r) is not null)))
            {
                continue;
            }

            if (result.Count > 0 && result[^1].To == start && result[^1].Value.Equals(v))
            {
                result[^1] = (result[^1].From, end, v);
            }
            else
            {
                result.Add((start, end, v));
            }
        }

        return result;
    }

    private sealed record Segment(decimal Mrr, int Subscriptions, decimal ScheduledToCancel);

    private sealed record Paying
    {
        public static readonly Paying Yes = new();
    }
}
