using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tally.E2E.Tests.Support;

namespace Tally.E2E.Tests;

/// <summary>One customer's detail on the Customers page, and the Health page's Stripe mode and version, against their APIs.</summary>
public sealed class CustomerDetailTests(TallyServer tally, Browser browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CustomerDetail_ShowsTheApisSubscriptionsInvoicesAndUsage_AndItsPdfLinkDownloadsThePdf()
    {
        using var api = tally.Client(tally.AdminToken);
        // A demo customer with subscriptions, a paid invoice (with a PDF) and usage this period.
        var users = await api.GetFromJsonAsync<JsonElement>("/api/admin/users?limit=100", Ct);
        JsonElement? chosen = null;
        foreach (var u in users.GetProperty("data").EnumerateArray().Where(u => u.GetProperty("stripe_customer_id").ValueKind == JsonValueKind.String))
        {
            var d = await api.GetFromJsonAsync<JsonElement>($"/api/admin/users/{u.GetProperty("id").GetInt64()}", Ct);
            if (d.GetProperty("subscriptions").GetProperty("data").GetArrayLength() > 0 && d.GetProperty("usage").GetArrayLength() > 0
                && d.GetProperty("invoices").GetProperty("data").EnumerateArray().Any(i => i.GetProperty("pdf_url").ValueKind == JsonValueKind.String))
            {
                chosen = d;
                break;
            }
        }

        Assert.True(chosen.HasValue, "the demo data has a customer with subscriptions, an invoice with a PDF and usage this period");
        var detail = chosen.Value;
        var id = detail.GetProperty("id").GetInt64();
        var page = await Dashboard.AdminPageAsync(browser, tally);

        await Dashboard.OpenAsync(page, tally, $"/dashboard/customers?user={id}");

        Assert.Equal($"Customer: {detail.GetProperty("email").GetString()}", await page.Locator("h2", new() { HasTextString = "Customer:" }).TextContentAsync());
        var subscriptions = page.Locator("[aria-label='Subscriptions of this user'] tbody tr");
        Assert.Equal(detail.GetProperty("subscriptions").GetProperty("data").GetArrayLength(), await subscriptions.CountAsync());
        foreach (var s in detail.GetProperty("subscriptions").GetProperty("data").EnumerateArray())
        {
            Assert.Equal(1, await subscriptions.Filter(new() { HasText = s.GetProperty("subscription_id").GetString() }).CountAsync());
        }

        var invoices = detail.GetProperty("invoices").GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(invoices.Count, await page.Locator("[aria-label='Invoices of this user'] tbody tr").CountAsync());
        var pdfUrls = invoices.Select(i => i.GetProperty("pdf_url")).Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToList();
        var links = page.Locator("[aria-label='Invoices of this user'] a", new() { HasTextString = "PDF" });
        Assert.Equal(pdfUrls, (await links.EvaluateAllAsync<string[]>("as => as.map(a => a.getAttribute('href'))")).ToList());
        Assert.Equal(detail.GetProperty("usage").GetArrayLength(), await page.Locator("[aria-label='Usage this period'] tbody tr").CountAsync());

        // The link goes through Tally's proxy with the admin's session (the browser's cookie, no bearer token).
        var pdf = await page.APIRequest.GetAsync($"{tally.Url}{pdfUrls[0]}");
        Assert.Equal(200, pdf.Status);
        Assert.StartsWith("application/pdf", pdf.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("%PDF"u8.ToArray(), (await pdf.BodyAsync())[..4]);
    }

    [Fact]
    public async Task Health_ShowsTheStripeModeAndVersionOfTheSystemApi()
    {
        using var api = tally.Client(tally.AdminToken);
        var system = await api.GetFromJsonAsync<JsonElement>("/api/admin/system", Ct);
        var page = await Dashboard.AdminPageAsync(browser, tally);

        await Dashboard.OpenAsync(page, tally, "/dashboard/health");

        Assert.Equal("emulator", system.GetProperty("stripe_mode").GetString());
        Assert.Equal(["Stripe mode", "Version"], await page.Locator("#system dt").AllTextContentsAsync());
        Assert.Equal([system.GetProperty("stripe_mode").GetString()!, system.GetProperty("version").GetString()!], await page.Locator("#system dd").AllTextContentsAsync());
    }
}
