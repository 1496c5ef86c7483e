using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tally.Api.Features.Demo;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Demo.DemoSeederTests;

namespace Tally.Api.Tests.Demo;

/// <summary>
/// The seeder on the last day of a month (31 March 2026: months start on the 31st, the 28th in
/// February, the 30th in short months): reconciliation shows the demo's usage equal to Stripe's, and
/// neither a second seed-demo nor a month's usage reported again adds any usage.
/// </summary>
public sealed class DemoUsageTests
{
    private static readonly DateTimeOffset LastOfMarch = new(2026, 3, 31, 10, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_OnTheLastDayOfAMonth_ReconcilesWithStripe_AndReportingAgainAddsNothing()
    {
        await using var factory = new UsageTallyFactory();
        await factory.InitializeAsync();
        var plan = new DemoPlan(Months: 12, SignupsPerMonth: 2, Seed: 11);
        var summary = await DemoRegistration.SeedOnceAsync(factory.Services, plan, today: new FakeTimeProvider(LastOfMarch), ct: Ct);
        Assert.NotNull(summary);
        var records = await DemoRecordsAsync(factory);
        Assert.Equal(Enumerable.Range(0, 13), records.Select(MonthOf).Distinct().Order());

        // The latest period of each demo customer (today's, long past on the real clock): Tally's total, delivered, is Stripe's.
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var reconciliation = await admin.GetFromJsonAsync<JsonElement>("/api/admin/usage/reconciliation?period=previous", TallyFactory.Json, Ct);
        var rows = reconciliation.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(records.Select(r => r.StripeCustomerId).Distinct().Order(StringComparer.Ordinal),
            rows.Select(r => r.GetProperty("stripe_customer_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(rows, row =>
        {
            var local = row.GetProperty("local_total").GetDecimal();
            Assert.True(local > 0);
            Assert.Equal(local, row.GetProperty("delivered_total").GetDecimal());
            Assert.Equal(local, row.GetProperty("stripe_total").GetDecimal());
            Assert.Equal(0m, row.GetProperty("difference").GetDecimal());
        });

        // seed-demo again: nothing is seeded, no usage added.
        Assert.Null(await DemoRegistration.SeedOnceAsync(factory.Services, plan, today: new FakeTimeProvider(LastOfMarch), ct: Ct));
        Assert.Equal(records.Count, (await DemoRecordsAsync(factory)).Count);

        // The current month's usage reported again (a retry): its idempotency keys answer with the stored records.
        var current = DemoCalendar.Months(LastOfMarch, plan.Months)[^1];
        var again = records.Where(r => MonthOf(r) == current.Index)
            .Select(r => new DemoMetered(r.UserId, r.StripeCustomerId, SubscriptionOf(r), r.StripeSubscriptionItemId)).ToList();
        Assert.NotEmpty(again);
        await using var scope = factory.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<DemoUsage>().ReportAsync(again, current, plan.Seed, Ct);

        Assert.Equal(new DemoUsageResult(Accepted: 0, Duplicates: again.Count, Skipped: 0, MeterEvents: 0), result);
        Assert.Equal(records.Count, (await DemoRecordsAsync(factory)).Count);
        // Stripe's totals are unchanged: each period still holds its reports once (a trial's period may hold two months' reports).
        foreach (var period in records.GroupBy(r => (r.StripeCustomerId, r.PeriodStart, r.PeriodEnd)))
        {
            Assert.Equal(period.Sum(r => r.Quantity), factory.StripeTotal(period.Key.StripeCustomerId, period.Key.PeriodStart, period.Key.PeriodEnd));
        }
    }
}
