using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class AuthTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_WithoutKey_Is401WithStripeErrorShape()
    {
        using var http = Clients.Raw(fx.Server);
        var response = await http.GetAsync("/v1/customers", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        StrictParse.CheckJson(body);
        Assert.Contains("\"type\":\"invalid_request_error\"", body);
        Assert.StartsWith("req_", response.Headers.GetValues("Request-Id").Single());
    }

    [Fact]
    public async Task Request_WithLiveOrMalformedKey_ThrowsStripeException401()
    {
        var client = fx.Client("sk_live_definitelynotatestkey");
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.ListAsync(cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, e.HttpStatusCode);
        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Contains("Invalid API Key provided", e.Message);
        Assert.DoesNotContain("definitelynotatestkey", e.Message);
    }

    [Fact]
    public async Task TwoKeys_AreTwoAccounts()
    {
        var a = fx.NewClient();
        var b = fx.NewClient();
        var created = await a.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, cancellationToken: Ct);

        Assert.Single((await a.V1.Customers.ListAsync(cancellationToken: Ct)).Data);
        Assert.Empty((await b.V1.Customers.ListAsync(cancellationToken: Ct)).Data);
        var e = await Assert.ThrowsAsync<StripeException>(() => b.V1.Customers.GetAsync(created.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
    }

    [Fact]
    public async Task BasicAuth_WithKeyAsUser_IsAccepted()
    {
        var key = EmulatorFixture.NewKey();
        await fx.Client(key).V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Basic" }, cancellationToken: Ct);
        using var http = Clients.Raw(fx.Server);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        var body = await http.GetStringAsync("/v1/customers", Ct);
        StrictParse.CheckJson(body);
        Assert.Contains("\"name\":\"Basic\"", body);
    }
}
