using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tally.E2E.Tests.Support;

namespace Tally.E2E.Tests;

/// <summary>The Subscriptions, Health, Customers and Usage pages, and a screenshot of every page at both widths.</summary>
public sealed class PagesTests(TallyServer tally, Browser browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscriptions_FilterByStatus_ShowsOnlyThatStatus()
    {
        using var api = tally.Client(tally.AdminToken);
        var canceled = await api.GetFromJsonAsync<JsonElement>("/api/admin/subscriptions?status=canceled&limit=100", Ct);
        var expected = canceled.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("subscription_id").GetString()).ToHashSet();
        Assert.NotEmpty(expected); // the demo cancels some subscriptions
        var page = await Dashboard.AdminPageAsync(browser, tally);
        await Dashboard.OpenAsync(page, tally, "/dashboard/subscriptions");
        var statusesBefore = await page.Locator("tr[data-status]").EvaluateAllAsync<string[]>("rows => [...new Set(rows.map(r => r.dataset.status))]");

        await page.GetByLabel("Status").SelectOptionAsync("canceled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/subscriptions?status=canceled**", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("main[data-ready='true']");

        Assert.True(statusesBefore.Length > 1, "the unfiltered list shows several statuses");
        var shown = await page.Locator("tr[data-subscription]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.subscription + ' ' + r.dataset.status)");
        Assert.Equal(expected.Count > 25 ? 25 : expected.Count, shown.Length);
        Assert.All(shown, row => Assert.EndsWith(" canceled", row, StringComparison.Ordinal));
        Assert.All(shown, row => Assert.Contains(row.Split(' ')[0], expected));
        Assert.Equal("/api/admin/revenue/export.csv", await page.GetByRole(AriaRole.Link, new() { Name = "Export revenue as CSV" }).GetAttributeAsync("href"));
    }

    [Fact]
    public async Task Health_AFailedWebhookEvent_CanBeReplayedFromThePage()
    {
        var id = await Webhooks.DeliverUnreadableAsync(tally);
        using var api = tally.Client(tally.AdminToken);
        var failed = await EventuallyAsync(async () =>
        {
            var e = await EventAsync(api, id);
            return e?.GetProperty("status").GetString() == "failed" ? e : null;
        });
        var page = await Dashboard.AdminPageAsync(browser, tally);
        await Dashboard.OpenAsync(page, tally, "/dashboard/health");

        var replayed = page.WaitForResponseAsync(r => r.Url.EndsWith($"/api/admin/webhooks/{id}/replay", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = $"Replay {id}" }).ClickAsync();
        var response = await replayed;

        Assert.Equal(200, response.Status);
        var answer = JsonDocument.Parse(await response.TextAsync()).RootElement;
        Assert.Equal("pending", answer.GetProperty("status").GetString()); // back in the queue
        Assert.Equal(0, answer.GetProperty("attempts").GetInt32());
        Assert.Contains($"{id} put back in the queue", await page.Locator(".status-line").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(["Pending records", "Oldest pending", "Failed records", "Late records", "Open batches", "Queue depth", "Last flush", "Last Stripe error", "Delivery mode"],
            await page.Locator("#usage-health dt").AllTextContentsAsync());
        // ...and processed again: it is still unreadable, so it ends failed once more, with its error.
        var again = await EventuallyAsync(async () => await EventAsync(api, id) is { } e && e.GetProperty("status").GetString() == "failed" ? e : null);
        Assert.Equal(failed!.Value.GetProperty("last_error").GetString(), again!.Value.GetProperty("last_error").GetString());
    }

    [Fact]
    public async Task EveryPage_RendersWithoutErrors_AtBothWidths_AndIsScreenshotted()
    {
        foreach (var (width, height) in new[] { Browser.Desktop, Browser.Phone })
        {
            var page = await Dashboard.AdminPageAsync(browser, tally, width, height);
            foreach (var name in new[] { "overview", "subscriptions", "customers", "usage", "health" })
            {
                await Dashboard.OpenAsync(page, tally, $"/dashboard/{name}");
                Assert.Equal("page", await page.Locator($"[data-nav='{name}']").GetAttributeAsync("aria-current"));
                Assert.Equal("", string.Join(" | ", await page.Locator("p.error").AllTextContentsAsync()));
                await Dashboard.ScreenshotAsync(page, name);
                var tooWide = await page.EvaluateAsync<string>(
                    "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap')).slice(0, 3).map(e => e.tagName + '.' + e.className).join(', ')");
                var fits = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");
                Assert.True(fits && tooWide == "", $"{name} at {width} px is wider than the screen: {tooWide}");
            }

            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Keyboard_ReachesTheNavigationAndTheControls()
    {
        var page = await Dashboard.AdminPageAsync(browser, tally);
        await Dashboard.OpenAsync(page, tally, "/dashboard/overview");

        var focused = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused.Add(await page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.textContent.trim()"));
        }

        Assert.Contains("Skip to content", focused);
        Assert.Contains("Subscriptions", focused);
        Assert.Contains("as-of", focused);
        Assert.Contains("months", focused);
    }

    private static async Task<JsonElement?> EventAsync(HttpClient api, string id)
    {
        var page = await api.GetFromJsonAsync<JsonElement>("/api/admin/webhooks?limit=100", Ct);
        return page.GetProperty("data").EnumerateArray().Where(e => e.GetProperty("event_id").GetString() == id).Select(e => (JsonElement?)e).FirstOrDefault();
    }

    private static async Task<JsonElement?> EventuallyAsync(Func<Task<JsonElement?>> probe)
    {
        for (var i = 0; i < 120; i++)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(250, Ct);
        }

        throw new TimeoutException("the webhook event did not reach the expected state within 30 s");
    }
}
