using System.Net;
using System.Text;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Auth;

/// <summary>
/// Every endpoint × every kind of caller gets the status DESIGN.md's role table promises.
/// Add each new endpoint to <see cref="Endpoints"/>.
/// </summary>
public sealed class RbacMatrixTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    public enum Caller
    {
        NoToken,
        Expired,
        WrongSignature,
        WrongAudience,
        Viewer,
        Editor,
        Admin,
    }

    /// <summary>method, path, JSON body (or null), minimum role ("none" = public), status for an admitted caller.</summary>
    public static readonly (string Method, string Path, string? Body, string MinRole, HttpStatusCode Allowed)[] Endpoints =
    [
        ("GET", "/healthz", null, "none", HttpStatusCode.OK),
        ("GET", "/readyz", null, "none", HttpStatusCode.OK),
        ("GET", "/openapi/v1.json", null, "none", HttpStatusCode.OK),
        ("GET", "/api/me", null, "viewer", HttpStatusCode.OK),
        ("GET", "/api/admin/users", null, "admin", HttpStatusCode.OK),
        ("PUT", "/api/admin/users/999999/role", """{"role":"editor"}""", "admin", HttpStatusCode.NotFound),
        // This fixture has no Stripe (the API base is a closed port): creating a customer is a deterministic 502.
        ("POST", "/api/stripe/create_customer", null, "editor", HttpStatusCode.BadGateway),
        ("POST", "/api/stripe/attach_payment_method", "{}", "editor", HttpStatusCode.BadRequest),
        ("GET", "/api/stripe/customer", null, "viewer", HttpStatusCode.NotFound),
        ("POST", "/api/billing/subscriptions", "{}", "editor", HttpStatusCode.NotFound),
        ("GET", "/api/billing/subscriptions", null, "viewer", HttpStatusCode.OK),
        ("GET", "/api/admin/subscriptions", null, "admin", HttpStatusCode.OK),
        ("GET", "/api/billing/invoices", null, "viewer", HttpStatusCode.OK),
        // Not an invoice id: 404 for every admitted caller without asking Stripe (there is none here).
        ("GET", "/api/billing/invoice/999999/pdf", null, "viewer", HttpStatusCode.NotFound),
        ("GET", "/api/admin/webhooks", null, "admin", HttpStatusCode.OK),
        ("POST", "/api/admin/webhooks/999999/replay", null, "admin", HttpStatusCode.NotFound),
        // This fixture's Stripe is a closed port: an admitted caller gets the sync's 502, not 401/403.
        ("POST", "/api/admin/stripe/sync", null, "admin", HttpStatusCode.BadGateway),
    ];

    public static TheoryData<string, string, Caller> Cases()
    {
        var data = new TheoryData<string, string, Caller>();
        foreach (var endpoint in Endpoints)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(endpoint.Method, endpoint.Path, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_AnswersEachCaller_AsTheRoleTableSays(string method, string path, Caller caller)
    {
        var endpoint = Endpoints.Single(e => e.Method == method && e.Path == path);
        var client = await ClientForAsync(caller);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (endpoint.Body is not null)
        {
            request.Content = new StringContent(endpoint.Body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var expected = Expected(endpoint.MinRole, caller, endpoint.Allowed);
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await ProblemAssert.IsProblemAsync(response, expected);
        }
        else
        {
            Assert.Equal(expected, response.StatusCode);
        }
    }

    private static HttpStatusCode Expected(string minRole, Caller caller, HttpStatusCode allowed)
    {
        if (minRole == "none")
        {
            return allowed;
        }

        if (caller is Caller.NoToken or Caller.Expired or Caller.WrongSignature or Caller.WrongAudience)
        {
            return HttpStatusCode.Unauthorized;
        }

        var rank = new Dictionary<string, int> { ["viewer"] = 0, ["editor"] = 1, ["admin"] = 2 };
        var callerRank = caller switch { Caller.Viewer => 0, Caller.Editor => 1, _ => 2 };
        return callerRank >= rank[minRole] ? allowed : HttpStatusCode.Forbidden;
    }

    private async Task<HttpClient> ClientForAsync(Caller caller)
    {
        var subject = $"rbac-{Guid.NewGuid():N}";
        return caller switch
        {
            Caller.NoToken => factory.ClientFor(null),
            Caller.Expired => factory.ClientFor(TestTokens.For(subject, expires: DateTime.UtcNow.AddMinutes(-5))),
            Caller.WrongSignature => factory.ClientFor(TestTokens.For(subject, key: "another-key-that-is-also-long-enough-for-hs256")),
            Caller.WrongAudience => factory.ClientFor(TestTokens.For(subject, audience: "someone-else")),
            Caller.Viewer => (await factory.ClientWithRoleAsync("viewer")).Client,
            Caller.Editor => (await factory.ClientWithRoleAsync("editor")).Client,
            _ => (await factory.ClientWithRoleAsync("admin")).Client,
        };
    }
}
