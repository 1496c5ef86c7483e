using Microsoft.Playwright;

namespace Tally.E2E.Tests.Support;

/// <summary>What the tests do in the dashboard: sign in with a token, open a page and wait until it is drawn, take screenshots.</summary>
public static class Dashboard
{
    /// <summary>Signs <paramref name="page"/>'s browser in by pasting <paramref name="token"/> into the sign-in form.</summary>
    public static async Task SignInWithTokenAsync(IPage page, TallyServer tally, string token)
    {
        await page.GotoAsync($"{tally.Url}/dashboard/signin");
        await page.GetByLabel("Bearer token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public static async Task<IPage> AdminPageAsync(Browser browser, TallyServer tally, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(width, height);
        var page = await context.NewPageAsync();
        await SignInWithTokenAsync(page, tally, tally.AdminToken);
        return page;
    }

    /// <summary>Opens a dashboard page and waits until its module has rendered (and its charts are drawn).</summary>
    public static async Task OpenAsync(IPage page, TallyServer tally, string path)
    {
        await page.GotoAsync($"{tally.Url}{path}");
        await page.WaitForSelectorAsync("main[data-ready='true']");
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Paths.Screenshots, $"{name}-{page.ViewportSize!.Width}-{TallyServer.Provider}.png"), FullPage = true });
}
