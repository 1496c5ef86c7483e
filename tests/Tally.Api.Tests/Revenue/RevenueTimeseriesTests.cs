using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Revenue;

/// <summary>Every point of the time series is what <c>/api/admin/revenue?as_of=</c> answers for its bucket's end.</summary>
[Collection(RevenueDatasetCollection.Name)]
public sealed class RevenueTimeseriesTests(RevenueDatasetFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("2025-01-01T00:00:00Z", "2025-07-01T00:00:00Z", "month", 6)]
    [InlineData("2025-06-03T00:00:00Z", "2025-07-01T00:00:00Z", "week", 4)]
    [InlineData("2025-06-08T00:00:00Z", "2025-06-22T00:00:00Z", "day", 14)]
    public async Task EachPoint_EqualsTheRevenueAtItsBucketEnd(string from, string to, string interval, int points)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var series = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/revenue/timeseries?from={from}&to={to}&interval={interval}", TallyFactory.Json, Ct);

        var data = series.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(points, data.Count);
        Assert.Equal(DateTimeOffset.Parse(to), data[^1].GetProperty("as_of").GetDateTimeOffset());
        foreach (var point in data)
        {
            var asOf = point.GetProperty("as_of").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
            var single = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/revenue?as_of={asOf}", TallyFactory.Json, Ct);
            foreach (var field in new[] { "mrr", "arr", "active_customers", "active_subscriptions", "movements", "by_currency", "fx_errors" })
            {
                Assert.Equal(single.GetProperty(field).GetRawText(), point.GetProperty(field).GetRawText());
            }
        }

        // The last monthly point is the worked dataset's T.
        if (interval == "month")
        {
            Assert.Equal(786.33m, data[^1].GetProperty("mrr").GetDecimal());
        }
    }
}
