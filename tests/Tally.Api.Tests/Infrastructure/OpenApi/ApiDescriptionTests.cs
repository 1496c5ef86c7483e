using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.OpenApi;

public sealed class ApiDescriptionTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenApi_DescribesEveryEndpoint_WithAuthAndProblems()
    {
        var doc = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var paths = doc.GetProperty("paths");

        foreach (var endpoint in ApiEndpoints.All.Where(e => e.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var template = endpoint.Path.Replace("999999", "{id}");
            Assert.True(paths.TryGetProperty(template, out var path), $"{template} is not described");
            var operation = path.GetProperty(endpoint.Method.ToLowerInvariant());
            Assert.True(operation.TryGetProperty("security", out _), $"{endpoint.Method} {template} has no security");
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "401", "403" })
            {
                Assert.True(responses.TryGetProperty(status, out var problem), $"{endpoint.Method} {template} lacks {status}");
                Assert.True(problem.GetProperty("content").TryGetProperty("application/problem+json", out _));
            }
        }

        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.False(paths.GetProperty("/healthz").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task OpenApi_UsesSnakeCase()
    {
        var text = await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct);

        Assert.Contains("\"stripe_customer_id\"", text);
        Assert.DoesNotContain("\"stripeCustomerId\"", text);
    }

    [Fact]
    public async Task DocsPage_IsServedWithoutAToken()
    {
        var response = await factory.CreateClient().GetAsync("/scalar/v1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Readiness_ChecksTheDatabase()
    {
        var ready = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/readyz", Ct);

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("ok", ready.GetProperty("database").GetString());
    }
}
