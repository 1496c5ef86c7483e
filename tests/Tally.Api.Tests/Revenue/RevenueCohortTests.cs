using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Revenue.RevenueTests;

namespace Tally.Api.Tests.Revenue;

/// <summary>Signup cohorts of the worked dataset, by the month of each customer's first paying instant.</summary>
[Collection(RevenueDatasetCollection.Name)]
public sealed class RevenueCohortTests(RevenueDatasetFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cohorts_PlaceEachCustomerOnce_AndTheirLastCellsSumToTheActiveCustomers()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var grid = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/revenue/cohorts?from=2024-05-01T00:00:00Z&to={AsOf}", TallyFactory.Json, Ct);
        var revenue = await RevenueAsync(factory);

        var cohorts = grid.GetProperty("cohorts").EnumerateArray().ToDictionary(c => c.GetProperty("month").GetString()!);
        Assert.Equal(14, cohorts.Count);
        Assert.Equal(17, cohorts.Values.Sum(c => c.GetProperty("customers").GetInt32()));    // every customer but C6 (trial only)
        var lastCells = cohorts.Values.Select(c => c.GetProperty("cells").EnumerateArray().Last()).ToList();
        Assert.All(lastCells, cell => Assert.Equal(DateTimeOffset.Parse(AsOf), cell.GetProperty("as_of").GetDateTimeOffset()));
        Assert.Equal(revenue.GetProperty("active_customers").GetInt32(), lastCells.Sum(cell => cell.GetProperty("active_customers").GetInt32()));
        Assert.InRange(lastCells.Sum(cell => cell.GetProperty("mrr").GetDecimal()) - Dec(revenue, "mrr"), -0.10m, 0.10m);

        // June 2025: C15 (new, still paying) and C17 (joined and left in June).
        var june = cohorts["2025-06"];
        var cell = Assert.Single(june.GetProperty("cells").EnumerateArray());
        Assert.Equal((2, 1, 0.5m, 42.00m), (june.GetProperty("customers").GetInt32(), cell.GetProperty("active_customers").GetInt32(),
            cell.GetProperty("customer_retention").GetDecimal(), cell.GetProperty("mrr").GetDecimal()));

        // October 2024: C12 and C11 (who left in March and came back in June).
        var october = cohorts["2024-10"].GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("active_customers").GetInt32()).ToList();
        Assert.Equal([2, 2, 2, 2, 2, 1, 1, 1, 2], october);
    }
}
