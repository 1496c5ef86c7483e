using Tally.StripeEmulator.Billing.Domain;

namespace Tally.StripeEmulator.Tests.Billing;

public class BillingCalendarTests
{
    private static DateTimeOffset D(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Monthly_FromJan31_ClampsToMonthEndAndComesBack()
    {
        var anchor = D(2026, 1, 31, 12);
        Assert.Equal(D(2026, 2, 28, 12), BillingCalendar.Boundary(anchor, "month", 1, 1));
        Assert.Equal(D(2026, 3, 31, 12), BillingCalendar.Boundary(anchor, "month", 1, 2));
        Assert.Equal(D(2026, 4, 30, 12), BillingCalendar.Boundary(anchor, "month", 1, 3));
        Assert.Equal(D(2028, 2, 29, 12), BillingCalendar.Boundary(anchor, "month", 1, 25));
    }

    [Fact]
    public void Yearly_FromLeapDay_ClampsToFeb28()
    {
        var anchor = D(2028, 2, 29);
        Assert.Equal(D(2029, 2, 28), BillingCalendar.Boundary(anchor, "year", 1, 1));
        Assert.Equal(D(2032, 2, 29), BillingCalendar.Boundary(anchor, "year", 1, 4));
    }

    [Fact]
    public void PeriodContaining_FindsTheHalfOpenPeriod()
    {
        var anchor = D(2026, 1, 31);
        var (start, end) = BillingCalendar.PeriodContaining(anchor, "month", 1, D(2026, 3, 1));
        Assert.Equal(D(2026, 2, 28), start);
        Assert.Equal(D(2026, 3, 31), end);
        var exact = BillingCalendar.PeriodContaining(anchor, "month", 1, D(2026, 3, 31));
        Assert.Equal(D(2026, 3, 31), exact.Start);
        var weekly = BillingCalendar.PeriodContaining(anchor, "week", 2, D(2026, 2, 20));
        Assert.Equal(D(2026, 2, 14), weekly.Start);
        Assert.Equal(D(2026, 2, 28), weekly.End);
        var before = BillingCalendar.PeriodContaining(anchor, "month", 3, D(2025, 12, 1));
        Assert.Equal(D(2025, 10, 31), before.Start);
    }
}
