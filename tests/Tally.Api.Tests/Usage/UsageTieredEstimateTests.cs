using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Stripe;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

/// <summary>usage_summary's estimated amount under tiered prices (Stripe's graduated and volume semantics), against amounts worked out by hand.</summary>
public sealed class UsageTieredEstimateTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Graduated_EachTiersShareAtItsRate_PlusTheFlatAmountOfEveryTierReached()
    {
        // 1-10: 5 each + 100 flat; 11-100: 2.5 each; above: 1 each + 7 flat.
        var price = await TieredPriceAsync("graduated",
            new PriceTierOptions { UpTo = 10, UnitAmount = 5, FlatAmount = 100 },
            new PriceTierOptions { UpTo = 100, UnitAmountDecimal = 2.5m },
            new PriceTierOptions { UpTo = PriceTierUpTo.Inf, UnitAmount = 1, FlatAmount = 7 });
        var client = await SubscribedEditorAsync(price);

        // 42.5 units: 10 x 5 + 100, then 32.5 x 2.5 = 81.25: 231.25 cents.
        await ReportAcceptedAsync(client, 42.5m);
        Assert.Equal(231, await EstimatedAmountAsync(client, 42.5m));

        // 122.5 units: 150 + 90 x 2.5 = 375, then 22.5 x 1 + 7 = 29.5: 404.5, rounded half away from zero.
        await ReportAcceptedAsync(client, 80m);
        Assert.Equal(405, await EstimatedAmountAsync(client, 122.5m));
    }

    [Fact]
    public async Task Volume_TheWholeQuantityAtTheTierItFallsIn_PlusThatTiersFlatAmount()
    {
        // Up to 10: 10 each; up to 100: 7 each + 50 flat; above: 4.5 each.
        var price = await TieredPriceAsync("volume",
            new PriceTierOptions { UpTo = 10, UnitAmount = 10 },
            new PriceTierOptions { UpTo = 100, UnitAmount = 7, FlatAmount = 50 },
            new PriceTierOptions { UpTo = PriceTierUpTo.Inf, UnitAmountDecimal = 4.5m });
        var client = await SubscribedEditorAsync(price);

        await ReportAcceptedAsync(client, 5m);
        Assert.Equal(50, await EstimatedAmountAsync(client, 5m));

        // 42.5 x 7 + 50 = 347.5.
        await ReportAcceptedAsync(client, 37.5m);
        Assert.Equal(348, await EstimatedAmountAsync(client, 42.5m));

        // 142.5 x 4.5 = 641.25.
        await ReportAcceptedAsync(client, 100m);
        Assert.Equal(641, await EstimatedAmountAsync(client, 142.5m));
    }

    private async Task<string> TieredPriceAsync(string mode, params PriceTierOptions[] tiers) =>
        (await factory.Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = factory.ProductId, BillingScheme = "tiered", TiersMode = mode, Tiers = [.. tiers],
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = factory.MeterId },
        }, cancellationToken: Ct)).Id;

    /// <summary>An editor with a customer, subscribed through Tally's API to <paramref name="priceId"/> (an active metered price of the product).</summary>
    private async Task<HttpClient> SubscribedEditorAsync(string priceId)
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        await StripeArrange.CreateCustomerAsync(client);
        var answer = await client.PostAsJsonAsync("/api/billing/subscriptions", new { price_id = priceId }, TallyFactory.Json, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return client;
    }

    private static async Task ReportAcceptedAsync(HttpClient client, decimal quantity) =>
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(client, new { quantity })).StatusCode);

    private static async Task<long> EstimatedAmountAsync(HttpClient client, decimal expectedTotal)
    {
        var summary = await client.GetFromJsonAsync<JsonElement>("/api/billing/usage_summary", TallyFactory.Json, Ct);
        var item = Assert.Single(summary.GetProperty("items").EnumerateArray());
        Assert.Equal(expectedTotal, item.GetProperty("local_total").GetDecimal());
        return item.GetProperty("estimated_amount").GetInt64();
    }
}
