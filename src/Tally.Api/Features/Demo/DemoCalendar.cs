using System.Globalization;

namespace Tally.Api.Features.Demo;

/// <summary>
/// One emulated month of the demo: <see cref="Index"/> 0 is the oldest; the last one is the month
/// still running today (<see cref="IsCurrent"/>). Sign-ups happen at <see cref="Start"/>; usage is
/// reported at <see cref="UsageAt"/>, with the test clock standing there.
/// </summary>
internal sealed record DemoMonth(int Index, DateTime Start, DateTime End, DateTime UsageAt, bool IsCurrent)
{
    /// <summary>The idempotency key of a subscription's usage report for this month: from the month's index, never its calendar date.</summary>
    public string UsageKey(string subscriptionId) => $"demo-{subscriptionId}-m{Index.ToString("00", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Where the demo's test clock stops, computed from "today" alone (so tests can check it for any date).
/// </summary>
/// <remarks>
/// Month <c>m</c> is [start + m months, start + m+1 months), start being today's UTC midnight
/// <see cref="DemoPlan.Months"/> months back; each boundary is computed from start (as Stripe computes
/// billing periods from their anchor), so a start on the 31st gives the 28th/29th in February and the
/// 31st again in March instead of drifting. Usage is reported 21 days into a full month: months last
/// 28 to 31 days, so it is inside the month, and at least 4 days from any billing-period boundary of a
/// demo subscription (they renew on a month boundary, give or take 3 days of end-of-month clamping,
/// or 14 days after one when they began with a trial), hence on the period it is meant for. The
/// current month's usage is reported at its start, where the clock ends, never ahead of today.
/// </remarks>
internal static class DemoCalendar
{
    public static readonly TimeSpan UsageOffset = TimeSpan.FromDays(21);

    public static IReadOnlyList<DemoMonth> Months(DateTimeOffset today, int months)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        var start = today.UtcDateTime.Date.AddMonths(-months);
        var list = new List<DemoMonth>(months + 1);
        for (var m = 0; m < months; m++)
        {
            var (from, to) = (start.AddMonths(m), start.AddMonths(m + 1));
            list.Add(new DemoMonth(m, from, to, from + UsageOffset, IsCurrent: false));
        }

        var current = start.AddMonths(months);
        list.Add(new DemoMonth(months, current, today.UtcDateTime, current, IsCurrent: true));
        return list;
    }

    /// <summary>
    /// A report's quantity, a pure function of the seed, the subscription and the month: a retry of
    /// the same report is the same request for its idempotency key (not a reused key).
    /// </summary>
    public static long Quantity(int seed, string subscriptionId, int monthIndex)
    {
        var hash = 2166136261u;
        foreach (var c in $"{seed.ToString(CultureInfo.InvariantCulture)}/{subscriptionId}/{monthIndex.ToString(CultureInfo.InvariantCulture)}")
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return 100 + (hash % 4_900);
    }
}
