using System.Globalization;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Demo;

/// <summary>What <see cref="DemoSeeder"/> made.</summary>
internal sealed record DemoSummary(int Customers, int Subscriptions, int Upgrades, int Cancellations, int FailingCards, int MeterEvents, string TestClockId);

/// <summary>Shape of the demo: how many months of history and how many sign-ups per month.</summary>
internal sealed record DemoPlan(int Months = 12, int SignupsPerMonth = 3, int Seed = 2026);

/// <summary>
/// Fills a test-mode Stripe account (normally the embedded emulator) with realistic history through
/// the Stripe API: customers signing up over <see cref="DemoPlan.Months"/> emulated months on a test
/// clock, trials, upgrades, cancellations, metered usage, paid and failed invoices. Each customer is
/// also a Tally user (viewer), marked as this installation's customer, so the mirror links them.
/// </summary>
internal sealed class DemoSeeder(StripeTestMode stripe, StripeGateway gateway, StripeAccount account, UserAccounts users, TimeProvider clock, ILogger<DemoSeeder> logger)
{
    private static readonly (string Nickname, long Cents, string Interval)[] Plans =
    [
        ("Starter", 2_900, "month"), ("Pro", 9_900, "month"), ("Business", 29_900, "month"), ("Pro annual", 99_000, "year"),
    ];

    private static readonly IReadOnlyDictionary<string, string> DemoMetadata = new Dictionary<string, string> { ["demo"] = "true" };

    public async Task<DemoSummary> SeedAsync(DemoPlan plan, CancellationToken ct)
    {
        if (stripe.IsLive)
        {
            throw new InvalidOperationException("The demo only fills test-mode accounts (the embedded emulator or an sk_test_ key).");
        }

        var random = new Random(plan.Seed);
        var product = await stripe.CreateProductAsync("Tally demo plans", ct);
        var prices = new List<PriceRecord>();
        foreach (var (nickname, cents, interval) in Plans)
        {
            prices.Add(await stripe.CreatePriceAsync(product.Id, nickname, cents, interval, ct));
        }

        var start = clock.GetUtcNow().UtcDateTime.AddMonths(-plan.Months);
        var testClockId = await stripe.CreateTestClockAsync(start, "Tally demo", ct);
        var now = start;
        var live = new List<(string CustomerId, SubscriptionRecord Signup)>();
        var summary = new DemoSummary(0, 0, 0, 0, 0, 0, testClockId);
        for (var month = 0; month < plan.Months; month++)
        {
            for (var i = 0; i < plan.SignupsPerMonth; i++)
            {
                var n = summary.Customers + 1;
                var failing = random.NextDouble() < 0.12;
                var customerId = await CreateCustomerAsync(n, testClockId, failing ? "pm_card_chargeCustomerFail" : "pm_card_visa", ct);
                var price = prices[random.Next(prices.Count)];
                var items = new List<string> { price.Id };
                // Stripe requires one interval across a subscription's items: usage goes with monthly plans only.
                if (account.PriceMeteredId is { } metered && price.Interval == "month" && random.NextDouble() < 0.5)
                {
                    items.Add(metered);
                }

                long? trialDays = random.NextDouble() < 0.3 ? 14 : null;
                var subscription = await stripe.CreateSubscriptionAsync(customerId, items, trialDays, DemoMetadata, ct);
                live.Add((customerId, subscription));
                summary = summary with { Customers = n, Subscriptions = summary.Subscriptions + 1, FailingCards = summary.FailingCards + (failing ? 1 : 0) };
            }

            summary = await ChurnAndGrowAsync(live, prices, random, summary, ct);

            // Usage lands late in the month (meter events must be at most 5 minutes ahead of the clock).
            var late = now.AddDays(25);
            await stripe.AdvanceTestClockAsync(testClockId, late, ct);
            summary = summary with { MeterEvents = summary.MeterEvents + await ReportUsageAsync(live, late, random, ct) };
            now = now.AddMonths(1);
            await stripe.AdvanceTestClockAsync(testClockId, now, ct);
        }

        logger.LogInformation("Demo data created on test clock {TestClockId}: {Customers} customers", testClockId, summary.Customers);
        return summary;
    }

    private async Task<string> CreateCustomerAsync(int n, string testClockId, string card, CancellationToken ct)
    {
        var email = $"demo+{n.ToString(CultureInfo.InvariantCulture)}@example.com";
        var name = $"Demo Customer {n}";
        var userId = await users.EnsureByEmailAsync(email, name, ct);
        // Marked as this installation's, so the mirror links the customer to its user.
        var marker = StripeMarker.For(account.InstallationId ?? throw new InvalidOperationException("The installation id is loaded at start."), userId);
        return await stripe.CreateCustomerWithCardAsync(email, name, testClockId, card, marker, ct);
    }

    private async Task<DemoSummary> ChurnAndGrowAsync(
        List<(string CustomerId, SubscriptionRecord Signup)> live, List<PriceRecord> prices, Random random, DemoSummary summary, CancellationToken ct)
    {
        foreach (var (customerId, known) in live.ToList())
        {
            // Failing cards end in canceled or unpaid subscriptions along the way: leave those alone.
            var subscription = await gateway.GetSubscriptionAsync(known.Id, ct);
            if (subscription is null || subscription.Status is "canceled" or "unpaid" or "incomplete_expired")
            {
                live.Remove((customerId, known));
                continue;
            }

            var roll = random.NextDouble();
            var item = subscription.Items[0];
            if (roll < 0.06)
            {
                await stripe.CancelAtPeriodEndAsync(subscription.Id, ct);
                live.Remove((customerId, known));
                summary = summary with { Cancellations = summary.Cancellations + 1 };
            }
            else if (roll < 0.12 && item.Price.Interval == "month")
            {
                var better = prices.Where(p => p.Interval == "month" && p.UnitAmount > item.Price.UnitAmount).OrderBy(p => p.UnitAmount).FirstOrDefault();
                if (better is not null)
                {
                    var updated = await stripe.ChangePriceAsync(subscription.Id, item.Id, better.Id, ct);
                    live[live.FindIndex(l => l.Signup.Id == subscription.Id)] = (customerId, updated);
                    summary = summary with { Upgrades = summary.Upgrades + 1 };
                }
            }
        }

        return summary;
    }

    private async Task<int> ReportUsageAsync(List<(string CustomerId, SubscriptionRecord Signup)> live, DateTime now, Random random, CancellationToken ct)
    {
        if (account.MeterEventName is not { } eventName)
        {
            return 0;
        }

        var sent = 0;
        foreach (var (customerId, signup) in live.Where(l => l.Signup.Items.Any(i => i.Price.UsageType == "metered")))
        {
            await stripe.SendMeterEventAsync(eventName, $"demo-{signup.Id}-{now:yyyyMM}", now.AddHours(-random.Next(1, 72)), customerId,
                random.Next(100, 5_000), ct);
            sent++;
        }

        return sent;
    }
}
