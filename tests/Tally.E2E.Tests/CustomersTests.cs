using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tally.E2E.Tests.Support;

namespace Tally.E2E.Tests;

/// <summary>The Customers page: a role change made in the browser persists and is audited.</summary>
public sealed class CustomersTests(TallyServer tally, Browser browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RoleChange_Persists_AndShowsInTheAuditLog()
    {
        using var api = tally.Client(tally.AdminToken);
        // A user of its own, so no other test sees its role move.
        using (var own = tally.Client(Jwt.Sign(TallyServer.SigningKey, "e2e-promoted", "e2e-promoted@example.com")))
        {
            (await own.GetAsync("/api/me", Ct)).EnsureSuccessStatusCode();
        }

        var users = await api.GetFromJsonAsync<JsonElement>("/api/admin/users?q=e2e-promoted&limit=5", Ct);
        var id = users.GetProperty("data").EnumerateArray().Single(u => u.GetProperty("email").GetString() == "e2e-promoted@example.com").GetProperty("id").GetInt64();
        var page = await Dashboard.AdminPageAsync(browser, tally);
        await Dashboard.OpenAsync(page, tally, "/dashboard/customers?q=e2e-promoted");

        await page.GetByLabel("Role of e2e-promoted@example.com").SelectOptionAsync("editor");
        var saved = page.WaitForResponseAsync(r => r.Url.EndsWith($"/api/admin/users/{id}/role", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "e2e-promoted@example.com" }).GetByRole(AriaRole.Button, new() { Name = "Save role" }).ClickAsync();
        Assert.Equal(200, (await saved).Status);
        await page.WaitForSelectorAsync("main[data-ready='true']");
        await Dashboard.OpenAsync(page, tally, "/dashboard/customers?q=e2e-promoted");

        Assert.Equal("editor", await page.GetByLabel("Role of e2e-promoted@example.com").InputValueAsync());
        var me = await api.GetFromJsonAsync<JsonElement>("/api/admin/users?q=e2e-promoted&limit=5", Ct);
        Assert.Equal("editor", me.GetProperty("data").EnumerateArray().Single(u => u.GetProperty("id").GetInt64() == id).GetProperty("role").GetString());
        var audited = page.Locator("tr[data-audit]").Filter(new() { HasText = $"user {id}" }).First;
        Assert.Contains("viewer", await audited.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("editor", await audited.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains(TallyServer.AdminEmail, await audited.TextContentAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The Usage page against the usage endpoints.</summary>
public sealed class UsagePageTests(TallyServer tally, Browser browser)
{
    [Fact]
    public async Task Usage_ShowsTheLastHourAndTheTopCustomersOfTheApi()
    {
        using var api = tally.Client(tally.AdminToken);
        var top = await api.GetFromJsonAsync<JsonElement>("/api/admin/usage/top_customers", TestContext.Current.CancellationToken);
        var page = await Dashboard.AdminPageAsync(browser, tally);

        await Dashboard.OpenAsync(page, tally, "/dashboard/usage");

        var activity = await api.GetFromJsonAsync<JsonElement>("/api/admin/usage/activity?minutes=60", TestContext.Current.CancellationToken);
        Assert.Equal(activity.GetProperty("points").GetArrayLength(), await page.EvaluateAsync<int>("() => Chart.getChart('usage-chart').data.labels.length"));
        Assert.Equal(top.GetProperty("data").GetArrayLength(), await page.Locator("[aria-label='Top customers by usage this period'] tbody tr").CountAsync());
    }
}
