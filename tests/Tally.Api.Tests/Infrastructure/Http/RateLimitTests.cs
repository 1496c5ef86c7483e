using System.Net;
using System.Text;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Http;

/// <summary>The endpoints that call Stripe for a user share one per-user budget (here one request a minute).</summary>
public sealed class RateLimitTests(RateLimitTallyFactory factory) : IClassFixture<RateLimitTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly (string Method, string Path, string? Body)[] StripeBacked =
    [
        ("GET", "/api/stripe/customer", null),
        ("POST", "/api/stripe/create_customer", null),
        ("POST", "/api/stripe/attach_payment_method", """{"payment_method_id":"pm_card_visa"}"""),
        ("POST", "/api/billing/subscriptions", "{}"),
        ("GET", "/api/billing/invoice/in_limited/pdf", null),
    ];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, (string Method, string Path, string? Body) endpoint)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path);
        if (endpoint.Body is not null)
        {
            request.Content = new StringContent(endpoint.Body, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task OverTheLimit_EveryStripeBackedEndpointIs429WithRetryAfter_OtherUsersAndEndpointsAreUnaffected()
    {
        var (editor, _) = await factory.ClientWithRoleAsync("editor");
        var (other, _) = await factory.ClientWithRoleAsync("editor");

        using var first = await editor.GetAsync("/api/stripe/customer", Ct);
        await ProblemAssert.IsProblemAsync(first, HttpStatusCode.NotFound, "no_stripe_customer");

        foreach (var endpoint in StripeBacked)
        {
            using var limited = await SendAsync(editor, endpoint);
            var problem = await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
            var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 60);
            Assert.Contains($"{retryAfter} s", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var me = await editor.GetAsync("/api/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var otherUser = await other.GetAsync("/api/stripe/customer", Ct);
        await ProblemAssert.IsProblemAsync(otherUser, HttpStatusCode.NotFound, "no_stripe_customer");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public async Task BadLimit_StopsStartUp_NamingTheVariable(string value)
    {
        // The real executable: a setting Tally cannot start with ends in a message and exit code 3.
        var directory = Directory.CreateTempSubdirectory("tally-rate-limit-").FullName;
        try
        {
            var run = await TallyProcess.RunAsync(directory, new Dictionary<string, string> { ["TALLY_RATE_LIMIT_STRIPE_PER_MINUTE"] = value },
                "serve", "--urls", $"http://127.0.0.1:{TallyProcess.FreePort()}");

            Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
            Assert.Contains("TALLY_RATE_LIMIT_STRIPE_PER_MINUTE", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
