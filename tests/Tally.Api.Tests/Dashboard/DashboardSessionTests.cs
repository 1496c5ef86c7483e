using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Dashboard;

/// <summary>The dashboard session: cookie flags, one-time codes, CSRF, roles read per request, sign-out.</summary>
public sealed class DashboardSessionTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Token, long Id, string Subject)> UserAsync(string role)
    {
        var subject = $"dash-{role}-{Guid.NewGuid():N}";
        var (_, id) = await factory.ClientWithRoleAsync(role, subject);
        return (TestTokens.For(subject, $"{subject}@example.com"), id, subject);
    }

    [Fact]
    public async Task SignIn_WithToken_SetsAnHttpOnlySameSiteStrictSessionCookie_NotSecureOverHttp()
    {
        var (token, _, _) = await UserAsync("admin");
        var browser = DashboardBrowser.Open(factory);

        var response = await browser.SignInWithTokenAsync(token);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/dashboard", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionAuth.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
        var me = await browser.Client.GetFromJsonAsync<JsonElement>("/api/me", Ct);
        Assert.Equal("admin", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task SignIn_OverHttps_MarksTheSessionCookieSecure()
    {
        var (token, _, _) = await UserAsync("admin");
        var browser = DashboardBrowser.Open(factory, "https://localhost");

        var response = await browser.SignInWithTokenAsync(token);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionAuth.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignIn_WithAnInvalidToken_AnswersTheSignInPageAndNoSession()
    {
        var browser = DashboardBrowser.Open(factory);

        var response = await browser.SignInWithTokenAsync(TestTokens.For("someone", key: "another-key-that-is-long-enough-for-hs256!!"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(SessionAuth.CookieName + "=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SignIn_FormWithoutItsAntiforgeryToken_IsRefused()
    {
        var (token, _, _) = await UserAsync("admin");
        var browser = DashboardBrowser.Open(factory);

        var response = await browser.Client.PostAsync("/dashboard/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }), Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
    }

    [Fact]
    public async Task OneTimeCode_SignsInAnAdminOnce_AndIsRefusedTheSecondTime()
    {
        await UserAsync("admin");
        var code = factory.Services.GetRequiredService<SignInCodes>().Issue();
        var first = DashboardBrowser.Open(factory);
        var second = DashboardBrowser.Open(factory);

        var used = await first.Client.GetAsync($"/dashboard/signin?code={code}", Ct);
        var reused = await second.Client.GetAsync($"/dashboard/signin?code={code}", Ct);

        Assert.Equal(HttpStatusCode.Found, used.StatusCode);
        Assert.Equal("admin", (await first.Client.GetFromJsonAsync<JsonElement>("/api/me", Ct)).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Contains("used already or has expired", await reused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(reused.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(SessionAuth.CookieName + "=", StringComparison.Ordinal)));
        await ProblemAssert.IsProblemAsync(await second.Client.GetAsync("/api/me", Ct), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public void WithRealStripe_NoSignInLinkIsPrinted()
    {
        // This host talks to "real" Stripe (STRIPE_SECRET_KEY set): the link printer is not even registered.
        Assert.DoesNotContain(factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s.GetType().Name == "DashboardLink");
        Assert.Contains(factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s.GetType().Name == "LocalAdmin");
    }

    [Fact]
    public async Task OneTimeCode_ThatWasNeverIssued_IsRefused()
    {
        var browser = DashboardBrowser.Open(factory);

        var response = await browser.Client.GetAsync("/dashboard/signin?code=not-a-code", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SessionRequest_ThatChangesState_WithoutTheCsrfToken_IsRefusedWithProblemJson()
    {
        var (token, _, _) = await UserAsync("admin");
        var browser = DashboardBrowser.Open(factory);
        await browser.SignInWithTokenAsync(token);
        var csrf = await browser.PageTokenAsync();

        var without = await browser.PostJsonAsync("/api/admin/webhooks/replay", csrf: null);
        var forged = await browser.PostJsonAsync("/api/admin/webhooks/replay", csrf: "forged");
        var with = await browser.PostJsonAsync("/api/admin/webhooks/replay", csrf);

        await ProblemAssert.IsProblemAsync(without, HttpStatusCode.Forbidden, "csrf_token_invalid");
        await ProblemAssert.IsProblemAsync(forged, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.True(with.StatusCode == HttpStatusCode.OK, await with.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task BearerRequest_ThatChangesState_NeedsNoCsrfToken()
    {
        var (token, _, _) = await UserAsync("admin");

        var response = await factory.ClientFor(token).PostAsync("/api/admin/webhooks/replay", null, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ViewerSession_GetsTheNotAllowedPage_AndForbiddenFromAdminApis()
    {
        var (token, _, _) = await UserAsync("viewer");
        var browser = DashboardBrowser.Open(factory);
        await browser.SignInWithTokenAsync(token);

        var page = await browser.Client.GetAsync("/dashboard", Ct);
        var api = await browser.Client.GetAsync("/api/admin/revenue", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Not allowed", html, StringComparison.Ordinal);
        Assert.Contains("viewer", html, StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(api, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task DemotedAdmin_LosesTheDashboard_OnTheNextRequest()
    {
        var (token, id, _) = await UserAsync("admin");
        var (otherAdmin, _, _) = await UserAsync("admin");
        var browser = DashboardBrowser.Open(factory);
        await browser.SignInWithTokenAsync(token);
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/dashboard", Ct)).StatusCode);

        var demote = await factory.ClientFor(otherAdmin).PutAsJsonAsync($"/api/admin/users/{id}/role", new { role = "viewer" }, Ct);
        Assert.True(demote.IsSuccessStatusCode, await demote.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Client.GetAsync("/dashboard", Ct)).StatusCode);
        await ProblemAssert.IsProblemAsync(await browser.Client.GetAsync("/api/admin/revenue", Ct), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task NoSession_IsSentToTheSignInPage()
    {
        var response = await DashboardBrowser.Open(factory).Client.GetAsync("/dashboard/subscriptions", Ct);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/dashboard/signin", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var (token, _, _) = await UserAsync("admin");
        var browser = DashboardBrowser.Open(factory);
        await browser.SignInWithTokenAsync(token);
        var csrf = await browser.PageTokenAsync();

        var signOut = await browser.Client.PostAsync("/dashboard/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf_token"] = csrf }), Ct);

        Assert.Equal(HttpStatusCode.Found, signOut.StatusCode);
        Assert.Equal("/dashboard/signin", (await browser.Client.GetAsync("/dashboard", Ct)).Headers.Location?.OriginalString);
        await ProblemAssert.IsProblemAsync(await browser.Client.GetAsync("/api/admin/revenue", Ct), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Assets_AreServed_ChartJsFromNpmIncluded()
    {
        var client = DashboardBrowser.Open(factory).Client;

        var chart = await client.GetAsync("/dashboard/assets/lib/chart.umd.min.js", Ct);
        var app = await client.GetAsync("/dashboard/assets/app.js", Ct);
        var outside = await client.GetAsync("/dashboard/assets/..%2Findex.html", Ct);

        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Contains("Chart", await chart.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("text/javascript", app.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }
}
