using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
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
/// also a Tally user (viewer), so the mirror links them.
/// </summary>
internal sealed class DemoSeeder(StripeClient stripe, StripeAccount account, TallyDbContext db, TimeProvider clock, ILogger<DemoSeeder> logger)
{
    private static readonly (string Nickname, long Cents, string Interval)[] Plans =
    [
        ("Starter", 2_900, "month"), ("Pro", 9_900, "month"), ("Business", 29_900, "month"), ("Pro annual", 99_000, "year"),
    ];

    public async Task<DemoSummary> SeedAsync(DemoPlan plan, CancellationToken ct)
    {
        if (account.ApiKey.StartsWith("sk_live_", StringComparison.Ordinal) || account.ApiKey.StartsWith("rk_live_", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The demo only fills test-mode accounts (the embedded emulator or an sk_test_ key).");
        }

        var random = new Random(plan.Seed);
        var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Tally demo plans" }, cancellationToken: ct);
        var prices = new List<Price>();
        foreach (var (nickname, cents, interval) in Plans)
        {
            prices.Add(await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
            {
                Currency = "usd", Product = product.Id, UnitAmount = cents, Nickname = nickname,
                Recurring = new PriceRecurringOptions { Interval = interval },
            }, cancellationToken: ct));
        }

        var start = clock.GetUtcNow().UtcDateTime.AddMonths(-plan.Months);
        var testClock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(
            new global::Stripe.TestHelpers.TestClockCreateOptions { FrozenTime = start, Name = "Tally demo" }, cancellationToken: ct);
        var now = start;
        var live = new List<(string CustomerId, Subscription Subscription)>();
        var summary = new DemoSummary(0, 0, 0, 0, 0, 0, testClock.Id);
        for (var month = 0; month < plan.Months; month++)
        {
            for (var i = 0; i < plan.SignupsPerMonth; i++)
            {
                var n = summary.Customers + 1;
                var failing = random.NextDouble() < 0.12;
                var customerId = await CreateCustomerAsync(n, testClock.Id, failing ? "pm_card_chargeCustomerFail" : "pm_card_visa", ct);
                var price = prices[random.Next(prices.Count)];
                var options = new SubscriptionCreateOptions
                {
                    Customer = customerId,
                    Items = [new SubscriptionItemOptions { Price = price.Id }],
                    Metadata = new() { ["demo"] = "true" },
                };
                // Stripe requires one interval across a subscription's items: usage goes with monthly plans only.
                if (account.PriceMeteredId is { } metered && price.Recurring.Interval == "month" && random.NextDouble() < 0.5)
                {
                    options.Items.Add(new SubscriptionItemOptions { Price = metered });
                }

                if (random.NextDouble() < 0.3)
                {
                    options.TrialPeriodDays = 14;
                }

                var subscription = await stripe.V1.Subscriptions.CreateAsync(options, cancellationToken: ct);
                live.Add((customerId, subscription));
                summary = summary with { Customers = n, Subscriptions = summary.Subscriptions + 1, FailingCards = summary.FailingCards + (failing ? 1 : 0) };
            }

            summary = await ChurnAndGrowAsync(live, prices, random, summary, ct);

            // Usage lands late in the month (meter events must be at most 5 minutes ahead of the clock).
            var late = now.AddDays(25);
            await AdvanceAsync(testClock.Id, late, ct);
            summary = summary with { MeterEvents = summary.MeterEvents + await ReportUsageAsync(live, late, random, ct) };
            now = now.AddMonths(1);
            await AdvanceAsync(testClock.Id, now, ct);
        }

        logger.LogInformation("Demo data created on test clock {TestClockId}: {Customers} customers", testClock.Id, summary.Customers);
        return summary;
    }

    private async Task<string> CreateCustomerAsync(int n, string testClockId, string card, CancellationToken ct)
    {
        var email = $"demo+{n.ToString(CultureInfo.InvariantCulture)}@example.com";
        var name = $"Demo Customer {n}";
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            var at = clock.GetUtcNow();
            db.Users.Add(new User { Email = email, FullName = name, Role = Role.Viewer, CreatedAt = at, UpdatedAt = at });
            await db.SaveChangesAsync(ct);
        }

        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email, Name = name, TestClock = testClockId }, cancellationToken: ct);
        var pm = await stripe.V1.PaymentMethods.AttachAsync(card, new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: ct);
        await stripe.V1.Customers.UpdateAsync(customer.Id,
            new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id } }, cancellationToken: ct);
        return customer.Id;
    }

    private async Task<DemoSummary> ChurnAndGrowAsync(List<(string CustomerId, Subscription Subscription)> live, List<Price> prices, Random random, DemoSummary summary, CancellationToken ct)
    {
        foreach (var (customerId, known) in live.ToList())
        {
            // Failing cards end in canceled or unpaid subscriptions along the way: leave those alone.
            var subscription = await stripe.V1.Subscriptions.GetAsync(known.Id, cancellationToken: ct);
            if (subscription.Status is "canceled" or "unpaid" or "incomplete_expired")
            {
                live.Remove((customerId, known));
                continue;
            }

            var roll = random.NextDouble();
            var item = subscription.Items.Data[0];
            if (roll < 0.06)
            {
                await stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: ct);
                live.Remove((customerId, known));
                summary = summary with { Cancellations = summary.Cancellations + 1 };
            }
            else if (roll < 0.12 && item.Price.Recurring?.Interval == "month")
            {
                var better = prices.Where(p => p.Recurring.Interval == "month" && p.UnitAmount > item.Price.UnitAmount).OrderBy(p => p.UnitAmount).FirstOrDefault();
                if (better is not null)
                {
                    var updated = await stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
                    {
                        Items = [new SubscriptionItemOptions { Id = item.Id, Price = better.Id }],
                    }, cancellationToken: ct);
                    live[live.FindIndex(l => l.Subscription.Id == subscription.Id)] = (customerId, updated);
                    summary = summary with { Upgrades = summary.Upgrades + 1 };
                }
            }
        }

        return summary;
    }

    private async Task<int> ReportUsageAsync(List<(string CustomerId, Subscription Subscription)> live, DateTime now, Random random, CancellationToken ct)
    {
        if (account.MeterEventName is not { } eventName)
        {
            return 0;
        }

        var sent = 0;
        foreach (var (customerId, subscription) in live.Where(l => l.Subscription.Items.Data.Any(i => i.Price.Recurring?.UsageType == "metered")))
        {
            await stripe.V1.Billing.MeterEvents.CreateAsync(new global::Stripe.Billing.MeterEventCreateOptions
            {
                EventName = eventName,
                Identifier = $"demo-{subscription.Id}-{now:yyyyMM}",
                Timestamp = now.AddHours(-random.Next(1, 72)),
                Payload = new() { ["stripe_customer_id"] = customerId, ["value"] = random.Next(100, 5_000).ToString(CultureInfo.InvariantCulture) },
            }, cancellationToken: ct);
            sent++;
        }

        return sent;
    }

    private async Task AdvanceAsync(string testClockId, DateTime to, CancellationToken ct)
    {
        await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(testClockId, new global::Stripe.TestHelpers.TestClockAdvanceOptions { FrozenTime = to }, cancellationToken: ct);
        for (var i = 0; i < 600; i++)
        {
            var state = await stripe.V1.TestHelpers.TestClocks.GetAsync(testClockId, cancellationToken: ct);
            if (state.Status == "ready")
            {
                return;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"Test clock {testClockId} did not finish advancing.");
    }
}
