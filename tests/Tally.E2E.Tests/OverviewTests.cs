using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tally.E2E.Tests.Support;

namespace Tally.E2E.Tests;

/// <summary>Sign-in and the Overview page against the running Tally with its demo data.</summary>
public sealed class OverviewTests(TallyServer tally, Browser browser)
{
    private static readonly (string Kpi, string Kind)[] Tiles =
    [
        ("mrr", "money"), ("usage_mrr", "money"), ("arr", "money"), ("churn_rate", "percent"), ("arpu", "money"),
        ("active_subscriptions", "count"), ("recent_revenue_30d", "money"), ("nrr", "percent"), ("quick_ratio", "ratio"),
    ];

    [Fact]
    public async Task SignIn_WithThePrintedOneTimeLink_OpensTheOverview()
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(tally.SignInLink);
        await page.WaitForSelectorAsync("main[data-ready='true']");

        Assert.Equal($"{tally.Url}/dashboard", page.Url);
        Assert.Equal("Overview", await page.Locator("h1").TextContentAsync());
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "tally_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        // The link is spent: a second browser gets the sign-in page with the reason.
        var other = await (await browser.NewContextAsync()).NewPageAsync();
        var again = await other.GotoAsync(tally.SignInLink);
        Assert.Equal(400, again!.Status);
        Assert.Contains("used already or has expired", await other.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KpiTiles_ShowExactlyWhatTheRevenueApiReturns()
    {
        var page = await Dashboard.AdminPageAsync(browser, tally);
        await Dashboard.OpenAsync(page, tally, "/dashboard/overview");
        var asOf = await page.Locator(".tiles").GetAttributeAsync("data-as-of");
        using var api = tally.Client(tally.AdminToken);
        var revenue = await api.GetFromJsonAsync<JsonElement>($"/api/admin/revenue?as_of={Uri.EscapeDataString(asOf!)}", TestContext.Current.CancellationToken);
        var currency = revenue.GetProperty("reporting_currency").GetString()!;
        Assert.True(revenue.GetProperty("active_subscriptions").GetInt32() > 0, "the demo data has active subscriptions");

        foreach (var (kpi, kind) in Tiles)
        {
            var tile = page.Locator($".tile[data-kpi='{kpi}']");
            var value = revenue.GetProperty(kpi);
            var shown = await tile.Locator(".tile-value").TextContentAsync();
            var raw = await tile.GetAttributeAsync("data-value");
            if (value.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal("—", shown);
                continue;
            }

            Assert.Equal(value.GetDecimal(), decimal.Parse(raw!, NumberStyles.Float, CultureInfo.InvariantCulture));
            Assert.Equal(Expected(kind, value.GetDecimal(), currency), shown);
        }
    }

    [Fact]
    public async Task MrrChart_HasOnePointPerMonth_For12And24Months()
    {
        var page = await Dashboard.AdminPageAsync(browser, tally);

        await Dashboard.OpenAsync(page, tally, "/dashboard/overview");
        var twelve = await page.EvaluateAsync<int>("() => Chart.getChart('mrr-chart').data.labels.length");
        var stacks = await page.EvaluateAsync<string[]>("() => Chart.getChart('mrr-chart').data.datasets.map(d => d.label)");
        await page.GetByLabel("Chart range").SelectOptionAsync("24");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/overview?**months=24", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("main[data-ready='true']");
        var twentyFour = await page.EvaluateAsync<int>("() => Chart.getChart('mrr-chart').data.datasets[0].data.length");

        Assert.Equal(12, twelve);
        Assert.Equal(["Committed MRR", "Usage MRR"], stacks);
        Assert.Equal(24, twentyFour);
    }

    [Fact]
    public async Task Overview_ShowsTheCurrencyBreakdownWaterfallAndCohorts_AtBothWidths()
    {
        foreach (var (width, height) in new[] { Browser.Desktop, Browser.Phone })
        {
            var page = await Dashboard.AdminPageAsync(browser, tally, width, height);
            await Dashboard.OpenAsync(page, tally, "/dashboard/overview");

            Assert.Equal(1, await page.Locator("tr[data-currency='usd']").CountAsync());
            Assert.Equal(7, await page.EvaluateAsync<int>("() => Chart.getChart('waterfall-chart').data.labels.length"));
            Assert.True(await page.Locator("#h-cohort-retention ~ .table-wrap tbody tr").CountAsync() > 0);
            Assert.Equal(0, await page.Locator(".error").CountAsync());
            // Readable at this width: nothing wider than the viewport but the scrollable tables.
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
            await Dashboard.ScreenshotAsync(page, "overview");
            await page.Context.CloseAsync();
        }
    }

    private static string Expected(string kind, decimal value, string currency)
    {
        var invariant = CultureInfo.InvariantCulture;
        return kind switch
        {
            "money" => (value < 0 ? "-" : "") + Symbol(currency) + Math.Abs(value).ToString("#,##0.00", invariant),
            "percent" => (value * 100).ToString("#,##0.##", invariant) + "%",
            "count" => value.ToString("#,##0", invariant),
            _ => value.ToString("#,##0.##", invariant),
        };
    }

    private static string Symbol(string currency) => currency switch
    {
        "usd" => "$",
        "eur" => "€",
        "gbp" => "£",
        _ => currency.ToUpperInvariant() + " ",
    };
}
