namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>
/// Billing-period arithmetic as Stripe does it: every period boundary is computed from the
/// billing cycle anchor (anchor + n intervals), never from the previous boundary, so a
/// Jan 31 anchor gives Feb 28/29, Mar 31, Apr 30 (the day is clamped to the month's end and
/// comes back once the month is long enough). Time of day is kept.
/// </summary>
internal static class BillingCalendar
{
    public static bool IsValidInterval(string interval) =>
        interval is "day" or "week" or "month" or "year";

    /// <summary>The n-th boundary after <paramref name="anchor"/> (n may be negative).</summary>
    public static DateTimeOffset Boundary(DateTimeOffset anchor, string interval, long intervalCount, long n)
    {
        var steps = checked(intervalCount * n);
        return interval switch
        {
            "day" => anchor.AddDays(steps),
            "week" => anchor.AddDays(steps * 7),
            "month" => anchor.AddMonths(checked((int)steps)),
            "year" => anchor.AddYears(checked((int)steps)),
            _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, "unknown interval"),
        };
    }

    /// <summary>The period [start, end) that contains <paramref name="at"/>.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) PeriodContaining(
        DateTimeOffset anchor, string interval, long intervalCount, DateTimeOffset at)
    {
        var n = EstimateIndex(anchor, interval, intervalCount, at);
        while (Boundary(anchor, interval, intervalCount, n) > at)
        {
            n--;
        }

        while (Boundary(anchor, interval, intervalCount, n + 1) <= at)
        {
            n++;
        }

        return (Boundary(anchor, interval, intervalCount, n), Boundary(anchor, interval, intervalCount, n + 1));
    }

    /// <summary>The first boundary strictly after <paramref name="at"/>.</summary>
    public static DateTimeOffset NextBoundaryAfter(DateTimeOffset anchor, string interval, long intervalCount, DateTimeOffset at) =>
        PeriodContaining(anchor, interval, intervalCount, at).End;

    private static long EstimateIndex(DateTimeOffset anchor, string interval, long count, DateTimeOffset at)
    {
        var days = (at - anchor).TotalDays;
        var perStep = interval switch
        {
            "day" => 1.0,
            "week" => 7.0,
            "month" => 30.436875,
            _ => 365.2425,
        } * count;
        return (long)Math.Floor(days / perStep);
    }
}
