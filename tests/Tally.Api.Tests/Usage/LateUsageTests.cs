using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

/// <summary>Usage for a period that ended: on that period's invoice until it is closed, then late (test clocks: Stripe's time is the clock's).</summary>
public sealed class LateUsageTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportForThePreviousPeriod_BeforeItsInvoice_IsOnThatInvoice_AfterIt_IsLateInTheCurrentPeriod()
    {
        var editor = await ClockedUsageArrange.ArrangeAsync(factory, T0);
        var periodEnd = T0.AddMonths(1);
        await PaidInvoice.AdvanceAsync(factory, editor.ClockId, periodEnd.AddMinutes(10));
        await Task.Delay(TimeSpan.FromMilliseconds(1200), Ct); // Tally reads a test clock's time at most once a second

        var onTime = await ReportAsync(editor.Client, new { quantity = 7, timestamp = periodEnd.AddHours(-1) });

        Assert.Equal(HttpStatusCode.Accepted, onTime.StatusCode);
        var first = await JsonAsync(onTime);
        Assert.False(first.GetProperty("late").GetBoolean());
        Assert.Equal(T0, first.GetProperty("period_start").GetDateTimeOffset().UtcDateTime);
        await factory.FlushAsync();

        // Stripe finalises the period's invoice an hour after its end: the 7 units are on it (2 cents each).
        await PaidInvoice.AdvanceAsync(factory, editor.ClockId, periodEnd.AddHours(2));
        var invoices = await factory.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = editor.SubscriptionId }, cancellationToken: Ct);
        var cycle = invoices.Data.Single(i => i.BillingReason == "subscription_cycle");
        Assert.Equal(14, cycle.AmountDue);
        await Task.Delay(TimeSpan.FromMilliseconds(1200), Ct);

        var late = await ReportAsync(editor.Client, new { quantity = 5, timestamp = periodEnd.AddMinutes(-30) });

        Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
        var second = await JsonAsync(late);
        Assert.True(second.GetProperty("late").GetBoolean());
        Assert.Equal(periodEnd, second.GetProperty("period_start").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(periodEnd.AddMinutes(-30), second.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime);
        await factory.FlushAsync();
        Assert.Equal(5m, factory.StripeTotal(editor.CustomerId, periodEnd, periodEnd.AddMonths(1)));
        Assert.Equal(7m, factory.StripeTotal(editor.CustomerId, T0, periodEnd));
        var lateRecords = await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId && r.Late, Ct));
        Assert.Equal(1, lateRecords);

        // A correction of -2 in the current period: its invoice bills 3 units, not 5.
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var correction = await admin.PostAsJsonAsync("/api/admin/usage/corrections",
            new { user_id = editor.UserId, subscription_item_id = second.GetProperty("stripe_subscription_item_id").GetString(), quantity = -2, reason = "test" },
            TallyFactory.Json, Ct);
        Assert.Equal(HttpStatusCode.Accepted, correction.StatusCode);
        await factory.FlushAsync();
        await PaidInvoice.AdvanceAsync(factory, editor.ClockId, periodEnd.AddMonths(1).AddHours(2));
        var next = (await factory.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = editor.SubscriptionId }, cancellationToken: Ct))
            .Data.Where(i => i.BillingReason == "subscription_cycle").MaxBy(i => i.PeriodEnd)!;
        Assert.Equal(6, next.AmountDue);
    }
}

public sealed class RejectLateUsageTests(RejectLateUsageTallyFactory factory) : IClassFixture<RejectLateUsageTallyFactory>
{
    private static readonly DateTime T0 = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportForAClosedPeriod_WithRejectPolicy_Is422PeriodClosed_AndStoresNothing()
    {
        var editor = await ClockedUsageArrange.ArrangeAsync(factory, T0);
        await PaidInvoice.AdvanceAsync(factory, editor.ClockId, T0.AddMonths(1).AddHours(2));
        await Task.Delay(TimeSpan.FromMilliseconds(1200), Ct);

        var answer = await ReportAsync(editor.Client, new { quantity = 5, timestamp = T0.AddMonths(1).AddMinutes(-30) });

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.UnprocessableEntity, "period_closed");
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId, Ct)));
    }
}
