using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Tally.Api.Features.Demo;
using Tally.Api.Features.Usage;
using Tally.Api.Features.Users;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Demo;

/// <summary>
/// The whole seeder against the emulator, on a fake "today": 29 February 2028 (a year back is
/// 28 February 2027, a window holding two Februaries' worth of edges) with the background flusher and
/// webhooks running as under <c>serve --demo</c>. Its usage goes through the usage pipeline: every
/// month's report in its month, on Stripe, on the month's invoice, and Stripe's totals equal the ledger's.
/// </summary>
public sealed class DemoSeederTests
{
    private static readonly DateTimeOffset LeapDay = new(2028, 2, 29, 15, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_OnALeapDay_FillsStripe_AndReportsEveryMonthsUsageThroughThePipeline()
    {
        await using var factory = new StripeTallyFactory();
        await factory.InitializeAsync();
        var today = new FakeTimeProvider(LeapDay);

        var summary = await DemoRegistration.SeedOnceAsync(factory.Services, new DemoPlan(Months: 12, SignupsPerMonth: 2, Seed: 7), today: today, ct: Ct);

        Assert.NotNull(summary);
        Assert.Equal(24, summary.Customers);
        Assert.Equal(24, summary.Subscriptions);
        var customers = await factory.Stripe.V1.Customers.ListAutoPagingAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: Ct)
            .Where(c => c.Email?.StartsWith("demo+", StringComparison.Ordinal) == true).ToListAsync(Ct);
        Assert.Equal(24, customers.Count);
        Assert.All(customers, c => Assert.Equal(summary.TestClockId, c.TestClockId));
        Assert.Equal(24, await factory.WithDbAsync(db => db.Set<User>().CountAsync(u => u.Email!.StartsWith("demo+"), Ct)));
        var subscriptions = await factory.Stripe.V1.Subscriptions.ListAutoPagingAsync(new SubscriptionListOptions { Status = "all", Limit = 100 }, cancellationToken: Ct)
            .Where(s => s.Metadata.GetValueOrDefault("demo") == "true").ToListAsync(Ct);
        Assert.Equal(24, subscriptions.Count);
        Assert.Contains(subscriptions, s => s.Status == "active");
        var invoices = await factory.Stripe.V1.Invoices.ListAutoPagingAsync(new InvoiceListOptions { Limit = 100 }, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Contains(invoices, i => i.Status == "paid" && i.AmountPaid > 0 && i.BillingReason == "subscription_cycle");

        // Every month, the current one included, has usage, reported at the plan's time, in its period, delivered.
        var plan = DemoCalendar.Months(LeapDay, 12);
        var records = await DemoRecordsAsync(factory);
        Assert.Equal(summary.UsageReports, records.Count);
        Assert.Equal(Enumerable.Range(0, 13), records.Select(MonthOf).Distinct().Order());
        Assert.All(records, r =>
        {
            Assert.Equal(plan[MonthOf(r)].UsageAt, r.Timestamp.UtcDateTime);
            Assert.True(r.PeriodStart <= r.Timestamp && r.Timestamp < r.PeriodEnd);
            Assert.False(r.Late);
            Assert.Equal(UsageStatus.Reported, r.Status);
            Assert.Equal(DemoCalendar.Quantity(7, SubscriptionOf(r), MonthOf(r)), r.Quantity);
        });

        // Stripe's meter totals equal the ledger's, period by period; each ended period's usage is on its invoice.
        foreach (var period in records.GroupBy(r => (r.StripeCustomerId, r.PeriodStart, r.PeriodEnd)))
        {
            var (customer, start, end) = period.Key;
            Assert.Equal(period.Sum(r => r.Quantity), factory.Emulator.Control.MeterTotal(StripeTallyFactory.ApiKey, customer, factory.MeterId, start, end));
            if (end <= plan[^1].Start)
            {
                var billed = invoices.Where(i => i.CustomerId == customer && i.BillingReason == "subscription_cycle" && i.PeriodEnd == end.UtcDateTime)
                    .SelectMany(i => i.Lines.Data).Where(l => l.Pricing?.PriceDetails?.PriceId == factory.PriceId).Sum(l => (decimal)(l.Quantity ?? 0));
                Assert.Equal(period.Sum(r => r.Quantity), billed);
            }
        }

        // Each demo user's usage summary shows the usage of the item's current billing period, as Stripe
        // counts it: the current month's report, and last month's too where the period began mid-month
        // (a subscription that started with a 14-day trial renews on the 14th of the demo's months).
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var current = records.Where(r => MonthOf(r) == 12).OrderBy(r => r.Id).ToList();
        Assert.NotEmpty(current);
        foreach (var now in current)
        {
            var inPeriod = records.Where(r => r.StripeSubscriptionItemId == now.StripeSubscriptionItemId && r.PeriodStart == now.PeriodStart).Sum(r => r.Quantity);
            var usage = await admin.GetFromJsonAsync<JsonElement>($"/api/billing/usage_summary?user_id={now.UserId}", TallyFactory.Json, Ct);
            var item = usage.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("subscription_item_id").GetString() == now.StripeSubscriptionItemId);
            Assert.Equal(now.PeriodStart, item.GetProperty("period_start").GetDateTimeOffset());
            Assert.Equal(inPeriod, item.GetProperty("local_total").GetDecimal());
            Assert.Equal(inPeriod, item.GetProperty("delivered_total").GetDecimal());
            Assert.Equal(inPeriod, item.GetProperty("stripe_total").GetDecimal());
        }
    }

    internal static Task<List<UsageRecord>> DemoRecordsAsync(TallyFactory factory) =>
        factory.WithDbAsync(db => db.Set<UsageRecord>().AsNoTracking().Where(r => r.IdempotencyKey!.StartsWith("demo-")).ToListAsync(Ct));

    /// <summary>The month index in a demo key (<c>demo-{subscription}-m{index}</c>).</summary>
    internal static int MonthOf(UsageRecord r) => int.Parse(r.IdempotencyKey![(r.IdempotencyKey!.LastIndexOf("-m", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);

    internal static string SubscriptionOf(UsageRecord r) => r.IdempotencyKey!["demo-".Length..r.IdempotencyKey!.LastIndexOf("-m", StringComparison.Ordinal)];
}
