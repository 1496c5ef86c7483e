using System.Net;
using System.Text;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Auth;

/// <summary>
/// Every endpoint × every kind of caller gets the status DESIGN.md's role table promises.
/// Add each new endpoint to <see cref="ApiEndpoints.All"/>.
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

    public static TheoryData<string, string, Caller> Cases()
    {
        var data = new TheoryData<string, string, Caller>();
        foreach (var endpoint in ApiEndpoints.All)
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
        var endpoint = ApiEndpoints.All.Single(e => e.Method == method && e.Path == path);
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
