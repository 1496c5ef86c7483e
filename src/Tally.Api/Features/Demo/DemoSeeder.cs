using System.Globalization;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Demo;

/// <summary>Shape of the demo: how many months of history and how many sign-ups per month.</summary>
internal sealed record DemoPlan(int Months = 12, int SignupsPerMonth = 3, int Seed = 2026);

/// <summary>
/// Fills a test-mode Stripe account (normally the embedded emulator) with realistic history through
/// the Stripe API: customers signing up over <see cref="DemoPlan.Months"/> emulated months on a test
/// clock (<see cref="DemoCalendar"/>), trials, upgrades, cancellations, paid and failed invoices, and
/// metered usage reported through the usage pipeline (<see cref="DemoUsage"/>). Each customer is also
/// a Tally user (viewer), marked as this installation's customer, so the mirror links them.
/// </summary>
internal sealed class DemoSeeder(
    StripeTestMode stripe, StripeGateway gateway, StripeAccount account, IServiceScopeFactory scopes, DemoUsage usage, TimeProvider clock,
    ILogger<DemoSeeder> logger)
{
    private static readonly (string Nickname, long Cents, string Interval)[] Plans =
    [
        ("Starter", 2_900, "month"), ("Pro", 9_900, "month"), ("Business", 29_900, "month"), ("Pro annual", 99_000, "year"),
    ];

    private static readonly IReadOnlyDictionary<string, string> DemoMetadata = new Dictionary<string, string> { ["demo"] = "true" };

    /// <summary>Statuses the usage intake takes reports for.</summary>
    private static readonly string[] Reportable = ["active", "trialing", "past_due"];

    private sealed record Live(long UserId, string CustomerId, SubscriptionRecord Subscription);

    /// <summary>A sign-up as drawn: the customer's number, its card, plan, usage and trial.</summary>
    private sealed record DrawnSignup(int N, bool Failing, List<string> PriceIds, bool WithUsage, long? TrialDays);

    public async Task<DemoSummary> SeedAsync(DemoPlan plan, DemoProgress progress, CancellationToken ct)
    {
        if (stripe.IsLive)
        {
            throw new InvalidOperationException("The demo only fills test-mode accounts (the embedded emulator or an sk_test_ key).");
        }

        var random = new Random(plan.Seed);
        progress.Step = "creating the demo's product and prices";
        var product = await stripe.CreateProductAsync("Tally demo plans", ct);
        var prices = new List<PriceRecord>();
        foreach (var (nickname, cents, interval) in Plans)
        {
            prices.Add(await stripe.CreatePriceAsync(product.Id, nickname, cents, interval, ct));
        }

        var months = DemoCalendar.Months(clock.GetUtcNow(), plan.Months);
        (progress.From, progress.To) = (months[0].Start, months[^1].End);
        progress.Step = "creating the test clock";
        var testClockId = progress.TestClockId = await stripe.CreateTestClockAsync(months[0].Start, "Tally demo", ct);
        var live = new List<Live>();
        foreach (var month in months)
        {
            var before = progress.ToSummary();
            if (!month.IsCurrent)
            {
                Step(progress, month, plan, "signing up customers");
                var signups = Enumerable.Range(0, plan.SignupsPerMonth)
                    .Select(i => Draw(progress.Customers + 1 + i, prices, account.PriceMeteredId, random, firstOfMonth: i == 0)).ToList();
                // At once: each waits mostly on Stripe and the database.
                live.AddRange(await Task.WhenAll(signups.Select(signup => SignUpAsync(signup, progress, ct))));

                Step(progress, month, plan, "upgrading and cancelling subscriptions");
                await ChurnAndGrowAsync(live, prices, random, progress, ct);
                Step(progress, month, plan, $"advancing the test clock to {Day(month.UsageAt)}");
                await stripe.AdvanceTestClockAsync(testClockId, month.UsageAt, ct);
            }

            Step(progress, month, plan, "reporting usage through the usage pipeline");
            var metered = live.Where(l => Reportable.Contains(l.Subscription.Status))
                .SelectMany(l => l.Subscription.Items.Where(i => i.Price.UsageType == "metered")
                    .Select(i => new DemoMetered(l.UserId, l.CustomerId, l.Subscription.Id, i.Id))).ToList();
            var reported = await usage.ReportAsync(metered, month, plan.Seed, ct);
            (progress.UsageReports, progress.MeterEvents) = (progress.UsageReports + reported.Accepted, progress.MeterEvents + reported.MeterEvents);
            if (!month.IsCurrent)
            {
                Step(progress, month, plan, $"advancing the test clock to {Day(month.End)} (invoicing the month)");
                await stripe.AdvanceTestClockAsync(testClockId, month.End, ct);
            }

            progress.Print($"Demo: {Label(month, plan)}: {progress.Customers - before.Customers} sign-ups, {progress.Upgrades - before.Upgrades} upgrades, " +
                $"{progress.Cancellations - before.Cancellations} cancellations, {reported.Accepted} usage reports, on Stripe");
        }

        progress.Step = "done";
        logger.LogInformation("Demo data created on test clock {TestClockId}: {Customers} customers", testClockId, progress.Customers);
        return progress.ToSummary();
    }

    private static DrawnSignup Draw(int n, List<PriceRecord> prices, string? metered, Random random, bool firstOfMonth)
    {
        var failing = random.NextDouble() < 0.12;
        // The first sign-up of a month takes a monthly plan with usage, so that every month has usage to show.
        var price = firstOfMonth ? prices[random.Next(3)] : prices[random.Next(prices.Count)];
        // Stripe requires one interval across a subscription's items: usage goes with monthly plans only.
        var withUsage = metered is not null && price.Interval == "month" && (firstOfMonth || random.NextDouble() < 0.5);
        long? trialDays = random.NextDouble() < 0.3 ? 14 : null;
        return new DrawnSignup(n, failing, withUsage ? [price.Id, metered!] : [price.Id], withUsage, trialDays);
    }

    /// <summary>A user, its Stripe customer on the test clock and its subscription; in its own scope (sign-ups run at once).</summary>
    private async Task<Live> SignUpAsync(DrawnSignup signup, DemoProgress progress, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var email = $"demo+{signup.N.ToString(CultureInfo.InvariantCulture)}@example.com";
        var name = $"Demo Customer {signup.N}";
        var userId = await scope.ServiceProvider.GetRequiredService<UserAccounts>().EnsureByEmailAsync(email, name, ct);
        // Marked as this installation's, so the mirror links the customer to its user.
        var marker = StripeMarker.For(account.InstallationId ?? throw new InvalidOperationException("The installation id is loaded at start."), userId);
        var card = signup.Failing ? "pm_card_chargeCustomerFail" : "pm_card_visa";
        var customerId = await stripe.CreateCustomerWithCardAsync(email, name, progress.TestClockId!, card, marker, ct);
        progress.Add(customers: 1, failingCards: signup.Failing ? 1 : 0);
        var subscription = await stripe.CreateSubscriptionAsync(customerId, signup.PriceIds, signup.TrialDays, DemoMetadata, ct);
        progress.Add(subscriptions: 1);
        if (signup.WithUsage)
        {
            // Mirrored at once, not when the webhooks come (never, under seed-demo): the usage intake reads
            // the customer's test clock and the subscription's metered item from the mirror.
            var mirror = scope.ServiceProvider.GetRequiredService<MirrorUpdates>();
            await mirror.ApplyFetchedCustomerAsync(await gateway.GetCustomerAsync(customerId, ct)
                ?? throw new InvalidOperationException($"Stripe lost the customer {customerId} just created."), ct);
            await mirror.ApplyCreatedSubscriptionAsync(subscription, ct);
        }

        return new Live(userId, customerId, subscription);
    }

    private async Task ChurnAndGrowAsync(List<Live> live, List<PriceRecord> prices, Random random, DemoProgress progress, CancellationToken ct)
    {
        var fetched = await Task.WhenAll(live.Select(l => gateway.GetSubscriptionAsync(l.Subscription.Id, ct)));
        for (var i = live.Count - 1; i >= 0; i--)
        {
            // Failing cards end in canceled or unpaid subscriptions along the way: leave those alone.
            var subscription = fetched[i];
            if (subscription is null || subscription.Status is "canceled" or "unpaid" or "incomplete_expired")
            {
                live.RemoveAt(i);
                continue;
            }

            live[i] = live[i] with { Subscription = subscription };
            var roll = random.NextDouble();
            var plan = subscription.Items.FirstOrDefault(x => x.Price.UsageType != "metered") ?? subscription.Items[0];
            if (roll < 0.06)
            {
                await stripe.CancelAtPeriodEndAsync(subscription.Id, ct);
                live.RemoveAt(i);
                progress.Add(cancellations: 1);
            }
            else if (roll < 0.12 && plan.Price.Interval == "month")
            {
                var better = prices.Where(p => p.Interval == "month" && p.UnitAmount > plan.Price.UnitAmount).OrderBy(p => p.UnitAmount).FirstOrDefault();
                if (better is not null)
                {
                    live[i] = live[i] with { Subscription = await stripe.ChangePriceAsync(subscription.Id, plan.Id, better.Id, ct) };
                    progress.Add(upgrades: 1);
                }
            }
        }
    }

    private static void Step(DemoProgress progress, DemoMonth month, DemoPlan plan, string what) => progress.Step = $"{Label(month, plan)}: {what}";

    private static string Label(DemoMonth month, DemoPlan plan) => month.IsCurrent
        ? $"current month (from {Day(month.Start)})"
        : $"month {month.Index + 1} of {plan.Months} ({Day(month.Start)} to {Day(month.End)})";

    private static string Day(DateTime t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
