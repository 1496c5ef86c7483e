using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

public sealed class UsageReadTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UsageRecords_AreTheCallersOwn_NewestFirst_Paged_AndFiltered()
    {
        var editor = await MeteredEditorAsync(factory);
        var stranger = await MeteredEditorAsync(factory);
        for (var i = 1; i <= 3; i++)
        {
            await ReportAsync(editor.Client, new { quantity = i });
        }

        await ReportAsync(stranger.Client, new { quantity = 99 });

        var first = await editor.Client.GetFromJsonAsync<JsonElement>("/api/billing/usage_records?limit=2", TallyFactory.Json, Ct);
        Assert.Equal([3m, 2m], first.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("quantity").GetDecimal()));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        var next = await editor.Client.GetFromJsonAsync<JsonElement>($"/api/billing/usage_records?limit=2&cursor={first.GetProperty("next_cursor").GetString()}", TallyFactory.Json, Ct);
        Assert.Equal([1m], next.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("quantity").GetDecimal()));

        await factory.FlushAsync();
        var reported = await editor.Client.GetFromJsonAsync<JsonElement>("/api/billing/usage_records?status=reported", TallyFactory.Json, Ct);
        Assert.Equal(3, reported.GetProperty("data").GetArrayLength());
        Assert.All(reported.GetProperty("data").EnumerateArray(), r => Assert.StartsWith("tally-usage-", r.GetProperty("stripe_report_id").GetString(), StringComparison.Ordinal));
        var pending = await editor.Client.GetFromJsonAsync<JsonElement>("/api/billing/usage_records?status=pending", TallyFactory.Json, Ct);
        Assert.Equal(0, pending.GetProperty("data").GetArrayLength());

        await ProblemAssert.IsProblemAsync(await editor.Client.GetAsync("/api/billing/usage_records?status=lost", Ct), HttpStatusCode.BadRequest, "validation_failed");
        await ProblemAssert.IsProblemAsync(await editor.Client.GetAsync($"/api/billing/usage_records?user_id={stranger.UserId}", Ct), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UsageSummary_ShowsLocalDeliveredPendingAndStripesTotals_WithTheAmount()
    {
        var editor = await MeteredEditorAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        await ReportAsync(editor.Client, new { quantity = 40 });
        await factory.FlushAsync();
        await ReportAsync(editor.Client, new { quantity = 2.5m });

        var summary = await editor.Client.GetFromJsonAsync<JsonElement>("/api/billing/usage_summary", TallyFactory.Json, Ct);

        var item = Assert.Single(summary.GetProperty("items").EnumerateArray());
        Assert.Equal(editor.ItemId, item.GetProperty("subscription_item_id").GetString());
        Assert.Equal(42.5m, item.GetProperty("local_total").GetDecimal());
        Assert.Equal(40m, item.GetProperty("delivered_total").GetDecimal());
        Assert.Equal(2.5m, item.GetProperty("pending_total").GetDecimal());
        Assert.Equal(40m, item.GetProperty("stripe_total").GetDecimal());
        // The test price is 2 cents per unit: 42.5 units make 85 cents.
        Assert.Equal(85, item.GetProperty("estimated_amount").GetInt64());
        Assert.Equal("usd", item.GetProperty("currency").GetString());

        var asAdmin = await admin.GetFromJsonAsync<JsonElement>($"/api/billing/usage_summary?user_id={editor.UserId}", TallyFactory.Json, Ct);
        Assert.Equal(42.5m, Assert.Single(asAdmin.GetProperty("items").EnumerateArray()).GetProperty("local_total").GetDecimal());
    }
}
