using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// Totals per (currency, cohort) at many instants at once, from the projection: the daily deltas are read once,
/// summed per gap between the instants' days (one grouped query) and accumulated in one pass; each instant's own
/// day is then corrected exactly with the customer intervals and paying spans that start or end on it up to the
/// instant, and the MRR change events of it up to the instant (<see cref="Totals.Moved"/>; five queries for all instants together).
/// </summary>
internal static class ProjectedLevels
{
    public static async Task<Dictionary<DateTimeOffset, Dictionary<(string Currency, int Cohort), Totals>>> AtAsync(
        TallyDbContext db, IReadOnlyCollection<DateTimeOffset> instants, CancellationToken ct)
    {
        var days = instants.Select(MrrIntervals.DayOf).Distinct().Order().ToList();
        if (days.Count == 0)
        {
            return [];
        }

        var gaps = await GapsAsync(db, days, ct);
        var beforeDay = new Dictionary<DateTimeOffset, Dictionary<(string, int), Totals>>();
        var running = new Dictionary<(string, int), Totals>();
        for (var k = 0; k < days.Count; k++)
        {
            foreach (var g in gaps.Where(g => g.Gap == k))
            {
                running[(g.Currency, g.Cohort)] = running.GetValueOrDefault((g.Currency, g.Cohort), Totals.Zero)
                    .Add(new Totals(g.Mrr, g.Customers, g.Subscriptions, g.Scheduled, g.Present, new Movements(g.FromZero, 0m, g.Expansion, g.Contraction, g.Churn)), 1);
            }

            beforeDay[days[k]] = new Dictionary<(string, int), Totals>(running);
        }

        var result = instants.Distinct().ToDictionary(t => t, t => new Dictionary<(string Currency, int Cohort), Totals>(beforeDay[MrrIntervals.DayOf(t)]));
        void Add(DateTimeOffset at, string currency, int cohort, Totals v, int sign)
        {
            foreach (var (t, totals) in result.Where(r => MrrIntervals.DayOf(r.Key) <= at && at <= r.Key))
            {
                totals[(currency, cohort)] = totals.GetValueOrDefault((currency, cohort), Totals.Zero).Add(v, sign);
            }
        }

        var windows = result.Keys.Select(t => (From: MrrIntervals.DayOf(t), To: t)).Distinct().ToList();
        var mrr = db.Set<CustomerMrrInterval>().AsNoTracking();
        foreach (var r in await mrr.Where(Within<CustomerMrrInterval>(nameof(CustomerMrrInterval.ValidFrom), windows)).ToListAsync(ct))
        {
            Add(r.ValidFrom, r.Currency, r.Cohort, Of(r), 1);
        }

        foreach (var r in await mrr.Where(Within<CustomerMrrInterval>(nameof(CustomerMrrInterval.ValidTo), windows)).ToListAsync(ct))
        {
            Add(r.ValidTo!.Value, r.Currency, r.Cohort, Of(r), -1);
        }

        var activity = db.Set<CustomerActivity>().AsNoTracking();
        foreach (var a in await activity.Where(Within<CustomerActivity>(nameof(CustomerActivity.ValidFrom), windows)).ToListAsync(ct))
        {
            Add(a.ValidFrom, "", a.Cohort, Totals.Zero with { ActiveCustomers = 1 }, 1);
        }

        foreach (var a in await activity.Where(Within<CustomerActivity>(nameof(CustomerActivity.ValidTo), windows)).ToListAsync(ct))
        {
            Add(a.ValidTo!.Value, "", a.Cohort, Totals.Zero with { ActiveCustomers = 1 }, -1);
        }

        foreach (var e in await db.Set<MrrEvent>().AsNoTracking().Where(Within<MrrEvent>(nameof(MrrEvent.At), windows)).ToListAsync(ct))
        {
            Add(e.At, e.Currency, e.Cohort, Totals.Zero with { Moved = e.Alone() }, 1);
        }

        return result;
    }

    private static Totals Of(CustomerMrrInterval r) => new(r.Mrr, r.Active ? 1 : 0, r.ActiveSubscriptions, r.ScheduledToCancel, 1);

    /// <summary>
    /// The deltas of every day before the last of <paramref name="days"/>, summed per gap: gap k holds the days in
    /// [days[k−1], days[k]) (gap 0 everything before days[0]), so the level before days[k] is gaps 0..k.
    /// </summary>
    private static async Task<List<GapSum>> GapsAsync(TallyDbContext db, List<DateTimeOffset> days, CancellationToken ct)
    {
        var d = Expression.Parameter(typeof(MrrDailyDelta), "d");
        var day = Expression.Property(d, nameof(MrrDailyDelta.Day));
        Expression gap = Expression.Constant(days.Count);
        for (var k = days.Count - 1; k >= 0; k--)
        {
            gap = Expression.Condition(Expression.LessThan(day, Expression.Constant(days[k])), Expression.Constant(k), gap);
        }

        var row = Expression.Lambda<Func<MrrDailyDelta, GapRow>>(
            Expression.MemberInit(
                Expression.New(typeof(GapRow)),
                Expression.Bind(typeof(GapRow).GetProperty(nameof(GapRow.Gap))!, gap),
                Bind(d, nameof(GapRow.Currency)), Bind(d, nameof(GapRow.Cohort)), Bind(d, nameof(GapRow.Mrr)), Bind(d, nameof(GapRow.ActiveCustomers)),
                Bind(d, nameof(GapRow.ActiveSubscriptions)), Bind(d, nameof(GapRow.ScheduledToCancel)), Bind(d, nameof(GapRow.Present)),
                Bind(d, nameof(GapRow.MovedFromZero)), Bind(d, nameof(GapRow.MovedExpansion)), Bind(d, nameof(GapRow.MovedContraction)), Bind(d, nameof(GapRow.MovedChurn))),
            d);
        var last = days[^1];
        return await db.Set<MrrDailyDelta>().AsNoTracking().Where(x => x.Day < last).Select(row)
            .GroupBy(r => new { r.Gap, r.Currency, r.Cohort })
            .Select(g => new GapSum(
                g.Key.Gap, g.Key.Currency, g.Key.Cohort, g.Sum(r => r.Mrr), g.Sum(r => r.ActiveCustomers), g.Sum(r => r.ActiveSubscriptions),
                g.Sum(r => r.ScheduledToCancel), g.Sum(r => r.Present),
                g.Sum(r => r.MovedFromZero), g.Sum(r => r.MovedExpansion), g.Sum(r => r.MovedContraction), g.Sum(r => r.MovedChurn)))
            .ToListAsync(ct);
    }

    private static MemberAssignment Bind(ParameterExpression d, string name) =>
        Expression.Bind(typeof(GapRow).GetProperty(name)!, Expression.Property(d, name));

    /// <summary><c>column</c> in [from, to] for some window, as one predicate (an OR of index ranges).</summary>
    private static Expression<Func<T, bool>> Within<T>(string column, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> windows)
    {
        var x = Expression.Parameter(typeof(T), "x");
        var value = Expression.Property(x, column);
        Expression any = Expression.Constant(false);
        foreach (var (from, to) in windows)
        {
            var (lo, hi) = value.Type == typeof(DateTimeOffset?)
                ? ((Expression)Expression.Constant(from, typeof(DateTimeOffset?)), (Expression)Expression.Constant(to, typeof(DateTimeOffset?)))
                : (Expression.Constant(from), Expression.Constant(to));
            any = Expression.OrElse(any, Expression.AndAlso(Expression.GreaterThanOrEqual(value, lo), Expression.LessThanOrEqual(value, hi)));
        }

        return Expression.Lambda<Func<T, bool>>(any, x);
    }

    private sealed record GapSum(
        int Gap, string Currency, int Cohort, decimal Mrr, int Customers, int Subscriptions, decimal Scheduled, int Present,
        decimal FromZero, decimal Expansion, decimal Contraction, decimal Churn);
}

/// <summary>A daily delta with the gap between instants' days it falls in (see <see cref="ProjectedLevels"/>).</summary>
internal sealed class GapRow
{
    public int Gap { get; set; }

    public string Currency { get; set; } = "";

    public int Cohort { get; set; }

    public decimal Mrr { get; set; }

    public int ActiveCustomers { get; set; }

    public int ActiveSubscriptions { get; set; }

    public decimal ScheduledToCancel { get; set; }

    public int Present { get; set; }

    public decimal MovedFromZero { get; set; }

    public decimal MovedExpansion { get; set; }

    public decimal MovedContraction { get; set; }

    public decimal MovedChurn { get; set; }
}
