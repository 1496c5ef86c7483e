using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Revenue;

/// <summary>The <c>Revenue</c> configuration section sets the policy every answer uses unless a request overrides a flag.</summary>
public sealed class RevenueSettingsTests(RevenueSettingsTallyFactory factory) : IClassFixture<RevenueSettingsTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConfiguredPolicy_IsInForce_AndARequestFlagOverridesIt()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var configured = await admin.GetFromJsonAsync<JsonElement>("/api/admin/revenue", TallyFactory.Json, Ct);
        var overridden = await admin.GetFromJsonAsync<JsonElement>("/api/admin/revenue?cancel_policy=at_period_end&week_factor=4.33", TallyFactory.Json, Ct);

        var policy = configured.GetProperty("policy");
        Assert.Equal(("at_request", "baremetrics", 4m, true), (policy.GetProperty("cancel_policy").GetString(), policy.GetProperty("churn_formula").GetString(),
            policy.GetProperty("week_factor").GetDecimal(), policy.GetProperty("include_metered_in_mrr").GetBoolean()));
        Assert.Equal(["forever"], policy.GetProperty("discount_durations_subtracted").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal("eur", configured.GetProperty("reporting_currency").GetString());
        Assert.Equal(("at_period_end", 4.33m, "baremetrics"), (overridden.GetProperty("policy").GetProperty("cancel_policy").GetString(),
            overridden.GetProperty("policy").GetProperty("week_factor").GetDecimal(), overridden.GetProperty("policy").GetProperty("churn_formula").GetString()));
    }
}
