using Tally.Api.Features.Revenue;

namespace Tally.Api.Tests.Revenue;

/// <summary>
/// Invariants of the revenue arithmetic on random histories (seeded, so a failure replays): the MRR
/// roll-forward per currency, NRR and net MRR churn reconciling with the cohort A(T0), and signup
/// cohorts covering every active customer once. Pure: no database, the calculator's own inputs.
/// </summary>
public sealed class RevenuePropertyTests
{
    private static readonly DateTimeOffset T = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T0 = T.AddDays(-30);
    private static readonly string[] Currencies = ["usd", "eur", "jpy"];

    private static readonly Dictionary<string, PriceTerms> Prices = new()
    {
        ["p_month"] = new("usd", 2900, null, "month", 1, "licensed"),
        ["p_year"] = new("usd", 30000, null, "year", 1, "licensed"),
        ["p_week"] = new("usd", 1000, null, "week", 1, "licensed"),
        ["p_quarter"] = new("usd", 15000, null, "month", 3, "licensed"),
        ["p_day"] = new("usd", 333, null, "day", 1, "licensed"),
        ["p_metered"] = new("usd", 2, null, "month", 1, "metered"),
    };

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomHistories_KeepTheRevenueIdentities(int seed)
    {
        var random = new Random(seed);
        var policies = new[]
        {
            new RevenueOptions().ToPolicy(),
            new RevenueOptions { CancelPolicy = "at_request", DiscountDurationsSubtracted = "forever,repeating,once", WeekFactor = 4.33m }.ToPolicy(),
        };
        var window = RandomWindow(random);
        foreach (var policy in policies)
        {
            var start = MrrSnapshot.At(window, T0, policy);
            var end = MrrSnapshot.At(window, T, policy);
            var paying = window.States.Select(s => s.CustomerId).Where(_ => random.Next(2) == 0).ToHashSet();
            var moved = Movements.Between(start, end, paying);
            var cohort = start.ActiveCustomers();
            foreach (var c in Currencies)
            {
                var m = moved.GetValueOrDefault(c, Movements.Zero);
                Near(end.Mrr(c), start.Mrr(c) + m.New + m.Reactivation + m.Expansion - m.Contraction - m.Churn, $"roll-forward {c} seed {seed}");

                // NRR: the cohort's MRR at T over its MRR at T0; net MRR churn is 1 − NRR.
                var cohortAtT = end.ByCustomer.Where(kv => kv.Key.Currency == c && cohort.Contains(kv.Key.Customer)).Sum(kv => kv.Value);
                Near(cohortAtT, start.Mrr(c) - m.Churn - m.Contraction + m.Expansion, $"NRR {c} seed {seed}");
                if (Retention.Of(start.Mrr(c), m) is { } r)
                {
                    Near(r.Nrr, cohortAtT / start.Mrr(c), $"NRR rate {c} seed {seed}");
                    Near(r.Net, 1 - r.Nrr, $"net churn {c} seed {seed}");
                }
            }

            // Every customer active at T signed up by T, in exactly one monthly cohort.
            var signups = CohortsEndpoint.Signups(window, policy);
            var active = end.ActiveCustomers();
            Assert.All(active, c => Assert.True(signups.TryGetValue(c, out var at) && at <= T, $"{c} active at T without a signup (seed {seed})"));
            var cells = signups.Where(kv => kv.Value <= T).GroupBy(kv => (kv.Value.Year, kv.Value.Month)).Sum(g => g.Count(kv => active.Contains(kv.Key)));
            Assert.Equal(active.Count, cells);
        }
    }

    private static void Near(decimal expected, decimal actual, string what) =>
        Assert.True(Math.Abs(expected - actual) < 0.000001m, $"{what}: {expected} vs {actual}");

    private static RevenueWindow RandomWindow(Random random)
    {
        var states = new List<SubscriptionState>();
        for (var c = 0; c < 12; c++)
        {
            var currency = Currencies[random.Next(Currencies.Length)];
            for (var s = 0; s < 1 + random.Next(3); s++)
            {
                var id = $"sub_{c}_{s}";
                var changes = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => T.AddDays(-120).AddHours(random.Next(125 * 24))).Distinct().Order().ToList();
                for (var i = 0; i < changes.Count; i++)
                {
                    var items = Enumerable.Range(0, 1 + random.Next(2))
                        .Select(_ => new ItemState(Prices.Keys.ElementAt(random.Next(Prices.Count)), random.Next(4) == 0 ? null : random.Next(0, 6))).ToList();
                    var discounts = Enumerable.Range(0, random.Next(3)).Select(k => new DiscountState(
                        $"di_{id}_{i}_{k}", random.Next(2) == 0 ? random.Next(1, 101) : null, random.Next(2) == 0 ? random.Next(100, 5000) : null, null,
                        new[] { "once", "repeating", "forever" }[random.Next(3)], T.AddDays(-random.Next(100)), random.Next(2) == 0 ? null : T.AddDays(random.Next(-60, 60))))
                        .ToList();
                    var status = new[] { "active", "active", "past_due", "trialing", "canceled", "incomplete" }[random.Next(6)];
                    DateTimeOffset? Maybe() => random.Next(3) == 0 ? T.AddDays(random.Next(-90, 30)) : null;
                    states.Add(new SubscriptionState(id, $"cus_{c}", status, [.. items.Select(x => x with { Price = currency == "usd" ? x.Price : x.Price + "_" + currency })],
                        discounts, random.Next(4) == 0, null, Maybe(), status == "canceled" ? changes[i] : Maybe(), Maybe(), changes[i],
                        i + 1 < changes.Count ? changes[i + 1] : null));
                }
            }
        }

        var prices = Prices.Concat(Currencies.Skip(1).SelectMany(cur => Prices.Select(p => KeyValuePair.Create(p.Key + "_" + cur, p.Value with { Currency = cur }))))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        return new RevenueWindow(T0, T, states, prices, [], Array.Empty<UsageLine>().ToLookup(u => u.SubscriptionId));
    }
}
