using Microsoft.Playwright;
using Tally.E2E.Tests.Support;

namespace Tally.E2E.Tests;

/// <summary>Who may open the dashboard, and what a page's requests need.</summary>
public sealed class AccessTests(TallyServer tally, Browser browser)
{
    [Fact]
    public async Task ViewerSession_GetsTheNotAllowedPage()
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await Dashboard.SignInWithTokenAsync(page, tally, Jwt.Sign(TallyServer.SigningKey, "e2e-viewer", "e2e-viewer@example.com"));
        var response = await page.GotoAsync($"{tally.Url}/dashboard");

        Assert.Equal(403, response!.Status);
        Assert.Equal("Not allowed", await page.Locator("h1").TextContentAsync());
        Assert.Contains("viewer", await page.Locator("main").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await context.CookiesAsync().ContinueWith(c => c.Result.Count(x => x.Name == "tally_session"), TestContext.Current.CancellationToken));
        await Dashboard.ScreenshotAsync(page, "not-allowed");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/signin", new() { WaitUntil = WaitUntilState.Commit });
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "tally_session");
    }

    [Fact]
    public async Task StateChangingRequest_WithoutTheCsrfToken_IsRefused()
    {
        var page = await Dashboard.AdminPageAsync(browser, tally);
        await Dashboard.OpenAsync(page, tally, "/dashboard/overview");

        var without = await page.EvaluateAsync<string[]>(
            "async () => { const r = await fetch('/api/admin/webhooks/replay', { method: 'POST' }); return [String(r.status), r.headers.get('content-type'), (await r.json()).code]; }");
        var with = await page.EvaluateAsync<int>(
            "async () => (await fetch('/api/admin/webhooks/replay', { method: 'POST', headers: { 'X-CSRF-Token': document.querySelector('meta[name=\"csrf-token\"]').content } })).status");

        Assert.Equal(["403", "application/problem+json", "csrf_token_invalid"], without);
        Assert.Equal(200, with);
    }
}
