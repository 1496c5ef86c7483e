using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Errors;

/// <summary>
/// One rule per kind of bad input, over every endpoint of <see cref="ApiEndpoints"/>: a missing body (or
/// a missing required field) or a parameter that does not convert is 400 <c>validation_failed</c> with <c>errors</c> naming the field;
/// a cursor is good only for its own list; a <c>user_id</c> naming no user is 404 <c>user_not_found</c>.
/// </summary>
public sealed class ErrorContractTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Endpoints whose body has a required field ("{}" is not enough for them, or the table's body names one).</summary>
    public static TheoryData<string, string> WithBody() =>
        [.. ApiEndpoints.All.Where(e => e.Body is not null && (e.Body != "{}" || e.Allowed == HttpStatusCode.BadRequest)).Select(e => (e.Method, e.Path))];

    [Theory]
    [MemberData(nameof(WithBody))]
    public async Task AnEmptyBody_IsValidationFailed_NamingAField(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("", Encoding.UTF8, "application/json") };

        using var response = await Admin().SendAsync(request, Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        // The body itself, or the first required field of an empty one.
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        Assert.DoesNotContain("Implicit body", problem.ToString());
    }

    public static TheoryData<string> Paged() => [.. ApiEndpoints.Paged];

    [Theory]
    [MemberData(nameof(Paged))]
    public async Task ALimitThatIsNotANumber_IsValidationFailed_NamingLimit(string path)
    {
        // Not hex: the body's trace id (hex digits) cannot contain it by chance, as "abc" once did.
        var problem = await ProblemAssert.IsProblemAsync(await Admin().GetAsync($"{path}?limit=lots", Ct), HttpStatusCode.BadRequest, "validation_failed");

        Assert.Equal("must be a whole number.", problem.GetProperty("errors").GetProperty("limit")[0].GetString());
        Assert.DoesNotContain("lots", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paged))]
    public async Task ACursorFromAnotherList_IsRefused(string path)
    {
        // Two users, so the users list has a next page and a cursor.
        await factory.ClientWithRoleAsync("viewer");
        await factory.ClientWithRoleAsync("viewer");
        var users = await Admin().GetFromJsonAsync<JsonElement>("/api/admin/users?limit=1", Ct);
        var usersCursor = users.GetProperty("next_cursor").GetString()!;
        var foreign = path == "/api/admin/users"
            ? (await Admin().GetFromJsonAsync<JsonElement>("/api/billing/invoices?limit=1", Ct)).GetProperty("next_cursor").GetString()
              ?? Convert.ToBase64String(Encoding.UTF8.GetBytes("webhook_events:1")).TrimEnd('=').Replace('+', '-').Replace('/', '_')
            : usersCursor;

        var problem = await ProblemAssert.IsProblemAsync(await Admin().GetAsync($"{path}?cursor={foreign}", Ct), HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), problem.ToString());
        if (path == "/api/admin/users")
        {
            Assert.Equal(HttpStatusCode.OK, (await Admin().GetAsync($"{path}?cursor={usersCursor}", Ct)).StatusCode);
        }
    }

    public static TheoryData<string> UserFiltered() => [.. ApiEndpoints.UserFiltered];

    [Theory]
    [MemberData(nameof(UserFiltered))]
    public async Task AUserIdThatIsNotANumber_IsValidationFailed_NamingUserId(string path)
    {
        var problem = await ProblemAssert.IsProblemAsync(await Admin().GetAsync($"{path}?user_id=abc", Ct), HttpStatusCode.BadRequest, "validation_failed");

        Assert.Equal("must be a whole number.", problem.GetProperty("errors").GetProperty("user_id")[0].GetString());
    }

    [Theory]
    [MemberData(nameof(UserFiltered))]
    public async Task AUserIdNamingNoUser_IsNotFound(string path) =>
        await ProblemAssert.IsProblemAsync(await Admin().GetAsync($"{path}?user_id=999999", Ct), HttpStatusCode.NotFound, "user_not_found");

    private HttpClient Admin() => factory.ClientFor(TestTokens.For("error-contract-admin", TestTokens.AdminEmail));
}
