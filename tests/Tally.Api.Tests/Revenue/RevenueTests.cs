using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Revenue;

/// <summary>
/// The acceptance test of the revenue dashboard: the worked dataset of <c>revenue-metrics.md</c> §4, built
/// through the emulator, read from <c>/api/admin/revenue?as_of=2025-07-01T00:00:00Z</c>; every expected
/// value of §4.5–4.8 and §4.10 ([R] defaults).
/// </summary>
[Collection(RevenueDatasetCollection.Name)]
public sealed class RevenueTests(RevenueDatasetFactory factory)
{
    public const string AsOf = "2025-07-01T00:00:00Z";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task<JsonElement> RevenueAsync(TallyFactory factory, string query = "")
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var response = await admin.GetAsync($"/api/admin/revenue?as_of={AsOf}{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
    }

    internal static decimal Dec(JsonElement e, string path)
    {
        foreach (var part in path.Split('.'))
        {
            e = e.GetProperty(part);
        }

        return e.GetDecimal();
    }

    [Fact]
    public async Task Revenue_AtT_MatchesTheWorkedDataset()
    {
        var r = await RevenueAsync(factory);

        Assert.Equal("2025-07-01T00:00:00+00:00", r.GetProperty("as_of").GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:sszzz"));
        Assert.Equal(DateTimeOffset.Parse("2025-06-01T00:00:00Z"), r.GetProperty("window_start").GetDateTimeOffset());
        Assert.Equal("usd", r.GetProperty("reporting_currency").GetString());
        Assert.Equal("2025-07-01", r.GetProperty("fx_as_of").GetString());
        Assert.Equal(0, r.GetProperty("fx_errors").GetArrayLength());

        // §4.5 point-in-time
        Assert.Equal(786.33m, Dec(r, "mrr"));
        Assert.Equal(9436.00m, Dec(r, "arr"));
        Assert.Equal(15, r.GetProperty("active_subscriptions").GetInt32());
        Assert.Equal(14, r.GetProperty("active_customers").GetInt32());
        Assert.Equal(56.17m, Dec(r, "arpu"));
        Assert.Equal(52.42m, Dec(r, "arpu_per_subscription"));
        Assert.Equal((535.33m, 6424.00m, 10, 53.53m), (Dec(r, "by_currency.usd.mrr"), Dec(r, "by_currency.usd.arr"),
            r.GetProperty("by_currency").GetProperty("usd").GetProperty("active_customers").GetInt32(), Dec(r, "by_currency.usd.arpu")));
        Assert.Equal((190.00m, 2280.00m, 3, 63.33m), (Dec(r, "by_currency.eur.mrr"), Dec(r, "by_currency.eur.arr"),
            r.GetProperty("by_currency").GetProperty("eur").GetProperty("active_customers").GetInt32(), Dec(r, "by_currency.eur.arpu")));
        Assert.Equal((6000m, 72000m, 1, 6000m), (Dec(r, "by_currency.jpy.mrr"), Dec(r, "by_currency.jpy.arr"),
            r.GetProperty("by_currency").GetProperty("jpy").GetProperty("active_customers").GetInt32(), Dec(r, "by_currency.jpy.arpu")));
        Assert.Equal(45.00m, Dec(r, "by_currency.eur.mrr_scheduled_to_cancel"));
        Assert.Equal(49.50m, Dec(r, "mrr_scheduled_to_cancel"));

        // §4.6 customer churn and LTV
        Assert.Equal(0.0769m, Dec(r, "churn_rate"));
        Assert.Equal(7.69m, Dec(r, "churn_percentage"));
        Assert.Equal((13, 1), (r.GetProperty("churn").GetProperty("customers_at_window_start").GetInt32(), r.GetProperty("churn").GetProperty("churned").GetInt32()));
        Assert.Equal(730.17m, Dec(r, "ltv"));
    }

    [Fact]
    public async Task Revenue_AtT_MovementsAndRetentionMatchTheWorkedDataset()
    {
        var r = await RevenueAsync(factory);

        // §4.7 movements at constant (T) rates, start MRR, roll-forward, retention
        Assert.Equal((42.00m, 49.00m, 55.00m, 66.00m, 75.00m), (Dec(r, "movements.new"), Dec(r, "movements.reactivation"),
            Dec(r, "movements.expansion"), Dec(r, "movements.contraction"), Dec(r, "movements.churn")));
        Assert.Equal(781.33m, Dec(r, "start_mrr"));
        Assert.Equal(Dec(r, "mrr"), Dec(r, "start_mrr") + 42.00m + 49.00m + 55.00m - 66.00m - 75.00m);
        Assert.Equal(0.1805m, Dec(r, "gross_mrr_churn_rate"));
        Assert.Equal(0.1101m, Dec(r, "net_mrr_churn_rate"));
        Assert.Equal(0.8899m, Dec(r, "nrr"));
        Assert.Equal(0.8195m, Dec(r, "grr"));
        Assert.Equal(0.0474m, Dec(r, "net_mrr_churn_rate_with_reactivation"));
        Assert.Equal(0.6879m, Dec(r, "quick_ratio"));

        // per currency, native amounts, no FX
        Assert.Equal((0.1481m, 0.9605m), (Dec(r, "by_currency.usd.gross_mrr_churn_rate"), Dec(r, "by_currency.usd.nrr")));
        Assert.Equal((0.2400m, 0.7600m), (Dec(r, "by_currency.eur.gross_mrr_churn_rate"), Dec(r, "by_currency.eur.nrr")));
        Assert.Equal(JsonValueKind.Null, r.GetProperty("by_currency").GetProperty("jpy").GetProperty("nrr").ValueKind);
        Assert.Equal((506.33m, 250.00m, 0m), (Dec(r, "by_currency.usd.start_mrr"), Dec(r, "by_currency.eur.start_mrr"), Dec(r, "by_currency.jpy.start_mrr")));
        Assert.Equal((49.00m, 55.00m, 75.00m), (Dec(r, "by_currency.usd.movements.reactivation"), Dec(r, "by_currency.usd.movements.expansion"), Dec(r, "by_currency.usd.movements.churn")));
        Assert.Equal((60.00m, 6000m), (Dec(r, "by_currency.eur.movements.contraction"), Dec(r, "by_currency.jpy.movements.new")));

        // Stripe-style FX bridge
        Assert.Equal((776.33m, 5.00m), (Dec(r, "fx_bridge.start_mrr_at_window_start_rates"), Dec(r, "fx_bridge.fx_adjustment")));
    }

    [Fact]
    public async Task Revenue_AtT_CashInTheWindow()
    {
        var r = await RevenueAsync(factory);

        // §4.8: the boundaries hold (S5 paid at exactly T0 is out, S14 paid at exactly T is in). The emulator
        // charges no tax, so S8's invoice lacks the fixture's 2 560 of tax: USD 83 860 − 2 560 = 81 300.
        Assert.Equal(813.00m, Dec(r, "by_currency.usd.recent_revenue_30d"));
        Assert.Equal(305.00m, Dec(r, "by_currency.eur.recent_revenue_30d"));
        Assert.Equal(6000m, Dec(r, "by_currency.jpy.recent_revenue_30d"));
        Assert.Equal(1216.10m - 25.60m, Dec(r, "recent_revenue_30d"));
    }
}
