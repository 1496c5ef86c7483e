using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Dashboard;

/// <summary>A browser-like client: keeps cookies, follows no redirect, reads the page's antiforgery token.</summary>
public sealed partial class DashboardBrowser(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public static DashboardBrowser Open(TallyFactory factory, string baseAddress = "http://localhost") =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(baseAddress) }));

    /// <summary>Signs in by pasting <paramref name="token"/> into the sign-in form, as a person would.</summary>
    public async Task<HttpResponseMessage> SignInWithTokenAsync(string token)
    {
        var form = await Client.GetStringAsync("/dashboard/signin", TestContext.Current.CancellationToken);
        return await Client.PostAsync("/dashboard/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf_token"] = FormToken(form), ["token"] = token,
        }), TestContext.Current.CancellationToken);
    }

    /// <summary>The antiforgery token of the dashboard page (its <c>csrf-token</c> meta tag).</summary>
    public async Task<string> PageTokenAsync()
    {
        var page = await Client.GetAsync("/dashboard", TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{(int)page.StatusCode}: {html}");
        return WebUtility.HtmlDecode(MetaToken().Match(html).Groups[1].Value);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string? csrf, string json = "{}")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, MediaTypeHeaderValue.Parse("application/json")) };
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static string FormToken(string html) => WebUtility.HtmlDecode(FormField().Match(html).Groups[1].Value);

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex MetaToken();

    [GeneratedRegex("name=\"csrf_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormField();
}
