using System.Net;
using System.Text;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Errors;

public sealed class ErrorResponseTests(ThrowingTallyFactory factory) : IClassFixture<ThrowingTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnknownRoute_IsProblem404()
    {
        var (client, _) = await factory.ClientWithRoleAsync("viewer");

        var response = await client.GetAsync("/api/nothing-here", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task WrongMethod_IsProblem405()
    {
        var (client, _) = await factory.ClientWithRoleAsync("viewer");

        var response = await client.DeleteAsync("/api/me", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task OversizedBody_IsProblem413()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var huge = new StringContent("{\"role\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");

        var response = await admin.PutAsync("/api/admin/users/1/role", huge, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task UnhandledException_IsProblem500_WithoutExceptionText()
    {
        var (client, _) = await factory.ClientWithRoleAsync("viewer");

        var response = await client.GetAsync("/test/boom", Ct);

        var body = (await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, "internal_error")).ToString();
        Assert.DoesNotContain(ThrowingTallyFactory.SecretText, body);
        Assert.DoesNotContain("InvalidOperationException", body);
    }

    [Fact]
    public async Task BadQueryType_Is400NamingTheParameter()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var response = await admin.GetAsync("/api/admin/users?limit=many", Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("limit", problem.GetProperty("detail").GetString());
    }
}
