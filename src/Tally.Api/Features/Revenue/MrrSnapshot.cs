namespace Tally.Api.Features.Revenue;

/// <summary>MRR per (customer, currency) at one instant, with the counts the dashboard shows; minor units, unrounded.</summary>
internal sealed class MrrSnapshot
{
    public Dictionary<(string Customer, string Currency), decimal> ByCustomer { get; } = [];

    public Dictionary<string, decimal> ScheduledToCancel { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> ActiveSubscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Usage MRR of the eligible subscriptions, per currency (reported beside MRR whatever the policy).</summary>
    public Dictionary<string, decimal> Usage { get; } = new(StringComparer.Ordinal);

    /// <summary>Prices a recorded item names that the mirror does not hold (their items count 0).</summary>
    public SortedSet<string> MissingPrices { get; } = new(StringComparer.Ordinal);

    public static MrrSnapshot At(RevenueWindow window, DateTimeOffset t, RevenuePolicy policy)
    {
        var snapshot = new MrrSnapshot();
        foreach (var s in window.At(t))
        {
            snapshot.MissingPrices.UnionWith(s.Items.Select(i => i.Price).Where(p => !window.Prices.ContainsKey(p)));
            if (MrrCalculator.Currency(s, window.Prices) is not { } currency)
            {
                continue;
            }

            var usage = MrrCalculator.Eligible(s, t, policy) ? window.UsageAt(s.SubscriptionId, t, policy) : 0m;
            snapshot.Usage[currency] = snapshot.Usage.GetValueOrDefault(currency) + usage;
            var mrr = MrrCalculator.SubMrr(s, t, window.Prices, policy, usage);
            var key = (s.CustomerId, currency);
            snapshot.ByCustomer[key] = snapshot.ByCustomer.GetValueOrDefault(key) + mrr;
            if (mrr > 0)
            {
                snapshot.ActiveSubscriptions[currency] = snapshot.ActiveSubscriptions.GetValueOrDefault(currency) + 1;
                if (s.ScheduledToCancel)
                {
                    snapshot.ScheduledToCancel[currency] = snapshot.ScheduledToCancel.GetValueOrDefault(currency) + mrr;
                }
            }
        }

        return snapshot;
    }

    /// <summary><c>A(t)</c>: customers whose MRR is &gt; 0 (a logo counts once, whatever its currencies).</summary>
    public HashSet<string> ActiveCustomers() => [.. ByCustomer.Where(kv => kv.Value > 0).Select(kv => kv.Key.Customer)];

    public int ActiveCustomers(string currency) => ByCustomer.Count(kv => kv.Key.Currency == currency && kv.Value > 0);

    public decimal Mrr(string currency) => ByCustomer.Where(kv => kv.Key.Currency == currency).Sum(kv => kv.Value);

    public IEnumerable<string> Currencies => ByCustomer.Keys.Select(k => k.Currency).Concat(ActiveSubscriptions.Keys).Distinct();

    /// <summary>MRR with usage: MRR plus usage MRR, unless the policy already put usage into MRR.</summary>
    public decimal MrrIncludingUsage(string currency, RevenuePolicy policy) =>
        Mrr(currency) + (policy.IncludeMeteredInMrr ? 0m : Usage.GetValueOrDefault(currency));
}

/// <summary>The five MRR movements per currency (§3.9), minor units.</summary>
internal sealed record Movements(decimal New, decimal Reactivation, decimal Expansion, decimal Contraction, decimal Churn)
{
    public static readonly Movements Zero = new(0, 0, 0, 0, 0);

    public Movements Add(Movements o) => new(New + o.New, Reactivation + o.Reactivation, Expansion + o.Expansion, Contraction + o.Contraction, Churn + o.Churn);

    public Movements Scale(decimal f) => new(New * f, Reactivation * f, Expansion * f, Contraction * f, Churn * f);

    /// <summary>Per customer: x = MRR at T0, y = MRR at T, in its currency.</summary>
    public static Dictionary<string, Movements> Between(MrrSnapshot start, MrrSnapshot end, IReadOnlySet<string> payingBefore)
    {
        var result = new Dictionary<string, Movements>(StringComparer.Ordinal);
        foreach (var key in start.ByCustomer.Keys.Union(end.ByCustomer.Keys))
        {
            var x = start.ByCustomer.GetValueOrDefault(key);
            var y = end.ByCustomer.GetValueOrDefault(key);
            var m = Classify(x, y, payingBefore.Contains(key.Customer));
            result[key.Currency] = result.GetValueOrDefault(key.Currency, Zero).Add(m);
        }

        return result;
    }

    public static Movements Classify(decimal x, decimal y, bool paidBefore)
    {
        if (x == 0 && y > 0)
        {
            return paidBefore ? Zero with { Reactivation = y } : Zero with { New = y };
        }

        if (x > 0 && y == 0)
        {
            return Zero with { Churn = x };
        }

        return y > x ? Zero with { Expansion = y - x } : Zero with { Contraction = x - y };
    }
}
