using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Revenue.RevenueTests;

namespace Tally.Api.Tests.Revenue;

/// <summary>Per-subscription MRR: the CSV export at an instant, and the admin subscriptions list with its filters, sorting and MRR.</summary>
[Collection(RevenueDatasetCollection.Name)]
public sealed class RevenueExportTests(RevenueDatasetFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportCsv_HasEverySubscriptionAtT_AndAddsUpToTheDashboard()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var response = await admin.GetAsync($"/api/admin/revenue/export.csv?as_of={AsOf}", Ct);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).TrimEnd('\n').Split('\n');

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("subscription_id,customer_id,status,currency,mrr,usage_mrr,active,scheduled_to_cancel", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(20, rows.Count);
        Assert.Equal(15, rows.Count(r => r[6] == "true"));
        Assert.Equal(535.33m, rows.Where(r => r[3] == "usd").Sum(r => decimal.Parse(r[4], CultureInfo.InvariantCulture)));
        Assert.Equal(190.00m, rows.Where(r => r[3] == "eur").Sum(r => decimal.Parse(r[4], CultureInfo.InvariantCulture)));
        Assert.Equal(300.00m, rows.Sum(r => r[3] == "usd" ? decimal.Parse(r[5], CultureInfo.InvariantCulture) : 0m));
        var scheduled = Assert.Single(rows, r => r[7] == "true");
        Assert.Equal(("eur", "45.00"), (scheduled[3], scheduled[4]));
        Assert.Equal(["trialing", "past_due"], rows.Where(r => r[2] is "trialing" or "past_due").Select(r => r[2]).Order().Reverse().ToArray());
    }

    [Fact]
    public async Task AdminSubscriptions_FilterSortPageAndShowMrr()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        async Task<JsonElement> ListAsync(string query) =>
            await admin.GetFromJsonAsync<JsonElement>($"/api/admin/subscriptions?{query}", TallyFactory.Json, Ct);

        var eur = await ListAsync("currency=eur");
        var c5 = Assert.Single((await ListAsync("email=c5@revenue.example")).GetProperty("data").EnumerateArray());
        var pastDue = Assert.Single((await ListAsync("status=past_due")).GetProperty("data").EnumerateArray());
        var samePrice = await ListAsync($"price={pastDue.GetProperty("price_id").GetString()}");

        Assert.Equal([100.00m, 45.00m, 45.00m], eur.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("mrr").GetDecimal()).Order().Reverse().ToArray());
        Assert.Equal(("usd", 120.00m), (c5.GetProperty("currency").GetString(), c5.GetProperty("mrr").GetDecimal()));
        Assert.Equal(49.00m, pastDue.GetProperty("mrr").GetDecimal());
        Assert.Equal(2, samePrice.GetProperty("data").GetArrayLength());    // S7 and S11b share the 4 900 monthly price

        var created = new List<DateTimeOffset>();
        string? cursor = null;
        do
        {
            var page = await ListAsync($"created_gte=2025-06-01T00:00:00Z&created_lt=2025-07-01T00:00:00Z&sort=created&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            created.AddRange(page.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("created").GetDateTimeOffset()));
            cursor = page.GetProperty("has_more").GetBoolean() ? page.GetProperty("next_cursor").GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(5, created.Count);    // S15, S17, S11b, S6, S16b
        Assert.Equal(created.Order(), created);
    }
}
