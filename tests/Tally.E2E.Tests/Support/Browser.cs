using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Tally.E2E.Tests.Support.Browser))]

namespace Tally.E2E.Tests.Support;

/// <summary>Debian's Chromium (<c>/usr/bin/chromium</c>), headless, launched once per run through Playwright.</summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public static readonly (int Width, int Height) Desktop = (1280, 900);
    public static readonly (int Width, int Height) Phone = (390, 844);

    private IPlaywright? playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (./test.sh does this).");
        }

        playwright = await Playwright.CreateAsync();
        Chromium = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic"],
        });
    }

    /// <summary>A fresh browser profile (no cookies) at <paramref name="width"/> px, in en-US.</summary>
    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900)
    {
        var context = await Chromium.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "en-US", TimezoneId = "UTC" });
        // The machine is shared and often loaded: waits are for states, never for time, so a long limit costs nothing when all is well.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (playwright is not null)
        {
            await Chromium.CloseAsync();
            playwright.Dispose();
        }
    }
}
