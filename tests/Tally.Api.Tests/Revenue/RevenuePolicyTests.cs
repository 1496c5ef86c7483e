using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Revenue.RevenueTests;

namespace Tally.Api.Tests.Revenue;

/// <summary>The same dataset under the alternative policies of §4.9, each flag switched for one request; and the FX rules.</summary>
[Collection(RevenueDatasetCollection.Name)]
public sealed class RevenuePolicyTests(RevenueDatasetFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("&cancel_policy=at_request", 736.83, 14, 56.68, 0.1538)]
    [InlineData("&cancel_policy=at_request&churn_formula=stripe", 736.83, 14, 56.68, 0.2000)]
    [InlineData("&churn_formula=stripe", 786.33, 15, 56.17, 0.1333)]
    [InlineData("&churn_formula=baremetrics", 786.33, 15, 56.17, 0.1538)]
    [InlineData("&discount_durations_subtracted=forever", 796.33, 15, 56.88, 0.0769)]
    [InlineData("&week_factor=4", 783.00, 15, 55.93, 0.0769)]
    [InlineData("&week_factor=4.33", 786.30, 15, 56.16, 0.0769)]
    [InlineData("&include_metered_in_mrr=true", 1086.33, 15, 77.60, 0.0769)]
    public async Task Revenue_UnderAlternativePolicies_MatchesTheWorkedDataset(string flags, double mrr, int subscriptions, double arpu, double churn)
    {
        var r = await RevenueAsync(factory, flags);

        Assert.Equal((decimal)mrr, Dec(r, "mrr"));
        Assert.Equal(subscriptions, r.GetProperty("active_subscriptions").GetInt32());
        Assert.Equal((decimal)arpu, Dec(r, "arpu"));
        Assert.Equal((decimal)churn, Dec(r, "churn_rate"));
    }

    [Fact]
    public async Task UsageRevenue_IsReportedBesideMrr_AndInsideItWhenIncluded()
    {
        var r = await RevenueAsync(factory);
        var included = await RevenueAsync(factory, "&include_metered_in_mrr=true");

        // S8's last completed period (05-20 → 06-20): 15 000 units × 2 = 30 000 from its mirrored invoice's usage line.
        Assert.Equal((300.00m, 835.33m), (Dec(r, "by_currency.usd.usage_mrr"), Dec(r, "by_currency.usd.mrr_including_usage")));
        Assert.Equal((300.00m, 1086.33m), (Dec(r, "usage_mrr"), Dec(r, "mrr_including_usage")));
        Assert.Equal((835.33m, 835.33m), (Dec(included, "by_currency.usd.mrr"), Dec(included, "by_currency.usd.mrr_including_usage")));
        Assert.True(included.GetProperty("policy").GetProperty("include_metered_in_mrr").GetBoolean());
    }

    [Fact]
    public async Task StripeChurnFormula_CountsEventsAndFirstActivations()
    {
        var r = await RevenueAsync(factory, "&churn_formula=stripe");

        var churn = r.GetProperty("churn");
        Assert.Equal(("stripe", 13, 2, 2), (churn.GetProperty("formula").GetString(), churn.GetProperty("customers_at_window_start").GetInt32(),
            churn.GetProperty("churned").GetInt32(), churn.GetProperty("new_customers").GetInt32()));
        Assert.Equal("stripe", r.GetProperty("policy").GetProperty("churn_formula").GetString());
    }

    [Fact]
    public async Task AnUnknownPolicyValue_IsAValidationProblem()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var response = await admin.GetAsync($"/api/admin/revenue?as_of={AsOf}&cancel_policy=sometimes", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task WithoutARate_ReportingFiguresAreNullAndTheCurrencyIsNamed()
    {
        // No rate is dated before 2025-06-01, but euro subscriptions were live in May.
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var r = await admin.GetFromJsonAsync<JsonElement>("/api/admin/revenue?as_of=2025-05-15T00:00:00Z", TallyFactory.Json, Ct);

        var error = Assert.Single(r.GetProperty("fx_errors").EnumerateArray());
        Assert.Equal(("eur", "fx_rate_missing"), (error.GetProperty("currency").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(JsonValueKind.Null, r.GetProperty("mrr").ValueKind);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("arpu").ValueKind);
        Assert.Equal(250.00m, Dec(r, "by_currency.eur.mrr"));
    }

    [Fact]
    public async Task FxRates_AreListedAsSet()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/admin/fx_rates?date=2025-06-01", TallyFactory.Json, Ct);

        var rates = list.GetProperty("data").EnumerateArray()
            .Select(e => (e.GetProperty("currency").GetString(), e.GetProperty("quote_currency").GetString(), e.GetProperty("rate").GetDecimal())).ToList();
        Assert.Equal([("eur", "usd", 1.08m), ("jpy", "usd", 0.007m)], rates);
    }
}
