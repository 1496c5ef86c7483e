using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Tally.Api.Features.Demo;

namespace Tally.Api.Tests.Demo;

/// <summary>
/// The demo's clock plan for "today" dates at the edges of a month (the 1st, the 4th, the 28th to
/// 31st, 29 February, windows holding February): the test clock only moves forward, every month's
/// usage is inside its month and mid-period for every demo subscription, and no two reports share a key.
/// </summary>
public sealed class DemoCalendarTests
{
    public static readonly TheoryData<string, int> Todays = new()
    {
        { "2026-12-01T00:00:00Z", 12 },
        { "2026-12-04T20:10:54Z", 12 }, // the issue's day: its window holds February, which broke the old seeder
        { "2026-12-04T09:00:00Z", 6 }, // the old test's window (no February)
        { "2026-01-28T08:00:00Z", 12 },
        { "2026-01-29T08:00:00Z", 12 },
        { "2026-01-30T08:00:00Z", 12 },
        { "2026-01-31T23:59:59Z", 12 },
        { "2026-03-28T12:00:00Z", 12 },
        { "2026-03-29T12:00:00Z", 12 },
        { "2026-03-30T12:00:00Z", 12 },
        { "2026-03-31T12:00:00Z", 12 },
        { "2026-05-31T12:00:00Z", 3 },
        { "2027-02-28T12:00:00Z", 12 },
        { "2028-02-29T15:00:00Z", 12 }, // leap day: a year back is 28 February 2027
        { "2028-03-31T06:00:00Z", 12 }, // a window with 29 February 2028
        { "2028-03-01T00:00:00Z", 1 },
    };

    [Theory]
    [MemberData(nameof(Todays))]
    public void Months_AreContiguous_AndEndToday(string todayText, int months)
    {
        var today = Today(todayText);

        var plan = DemoCalendar.Months(today.GetUtcNow(), months);

        Assert.Equal(months + 1, plan.Count);
        Assert.Equal(today.GetUtcNow().UtcDateTime.Date.AddMonths(-months), plan[0].Start);
        Assert.Equal(Enumerable.Range(0, months + 1), plan.Select(m => m.Index));
        for (var i = 1; i < plan.Count; i++)
        {
            Assert.Equal(plan[i - 1].End, plan[i].Start);
        }

        Assert.All(plan.SkipLast(1), m => Assert.InRange((m.End - m.Start).TotalDays, 28, 31));
        var current = plan[^1];
        Assert.True(current.IsCurrent);
        Assert.Equal(today.GetUtcNow().UtcDateTime, current.End);
        Assert.InRange(current.Start, today.GetUtcNow().UtcDateTime.Date.AddDays(-3), today.GetUtcNow().UtcDateTime);
    }

    [Theory]
    [MemberData(nameof(Todays))]
    public void UsageTimes_AreInsideTheirMonth_AndTheClockOnlyMovesForward(string todayText, int months)
    {
        var today = Today(todayText).GetUtcNow().UtcDateTime;

        var plan = DemoCalendar.Months(Today(todayText).GetUtcNow(), months);

        Assert.All(plan.Where(m => !m.IsCurrent), m => Assert.True(m.Start < m.UsageAt && m.UsageAt < m.End, $"{m}"));
        Assert.Equal(plan[^1].Start, plan[^1].UsageAt);
        // The seeder's clock stops: each month's start (sign-ups), its usage time, then the next month's start.
        var stops = plan.SkipLast(1).SelectMany(m => new[] { m.Start, m.UsageAt }).Append(plan[^1].Start).ToList();
        Assert.All(stops.Zip(stops.Skip(1)), pair => Assert.True(pair.First < pair.Second, $"{pair.First:O} then {pair.Second:O}"));
        Assert.True(stops[^1] <= today);
    }

    [Theory]
    [MemberData(nameof(Todays))]
    public void UsageTimes_AreAtLeastThreeDaysFromEveryBillingPeriodBoundary(string todayText, int months)
    {
        var plan = DemoCalendar.Months(Today(todayText).GetUtcNow(), months);

        // A demo subscription signs up at a month's start and renews monthly from there, or from its
        // 14-day trial's end (Stripe counts every boundary from the anchor: anchor + n months).
        foreach (var signup in plan.Where(m => !m.IsCurrent))
        {
            foreach (var anchor in new[] { signup.Start, signup.Start.AddDays(14) })
            {
                foreach (var month in plan.Where(m => !m.IsCurrent && m.Index >= signup.Index && m.UsageAt > anchor))
                {
                    var n = 0;
                    while (anchor.AddMonths(n + 1) <= month.UsageAt)
                    {
                        n++;
                    }

                    var (start, end) = (anchor.AddMonths(n), anchor.AddMonths(n + 1));
                    Assert.True(month.UsageAt - start >= TimeSpan.FromDays(3) && end - month.UsageAt >= TimeSpan.FromDays(3),
                        $"usage at {month.UsageAt:O} is in [{start:O}, {end:O}) of the anchor {anchor:O}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Todays))]
    public void UsageKeys_AreDistinctPerMonth_AndNameTheMonthIndex(string todayText, int months)
    {
        var plan = DemoCalendar.Months(Today(todayText).GetUtcNow(), months);

        var keys = plan.Select(m => m.UsageKey("sub_demo1")).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(plan, m => Assert.Equal($"demo-sub_demo1-m{m.Index.ToString("00", CultureInfo.InvariantCulture)}", m.UsageKey("sub_demo1")));
        Assert.All(keys, k => Assert.InRange(k.Length, 1, 255));
    }

    [Fact]
    public void Quantity_DependsOnlyOnSeedSubscriptionAndMonth()
    {
        var quantities = Enumerable.Range(0, 13).Select(m => DemoCalendar.Quantity(7, "sub_a", m)).ToList();

        Assert.Equal(quantities, Enumerable.Range(0, 13).Select(m => DemoCalendar.Quantity(7, "sub_a", m)));
        Assert.All(quantities, q => Assert.InRange(q, 100, 4_999));
        Assert.True(quantities.Distinct().Count() > 1);
        Assert.NotEqual(quantities, Enumerable.Range(0, 13).Select(m => DemoCalendar.Quantity(7, "sub_b", m)));
    }

    private static FakeTimeProvider Today(string text) =>
        new(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
}
