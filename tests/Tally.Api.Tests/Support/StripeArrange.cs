using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tally.Api.Tests.Support;

/// <summary>Arrange steps shared by test classes that go through Tally's own Stripe endpoints.</summary>
public static class StripeArrange
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates the caller's Stripe customer through <c>/api/stripe/create_customer</c>; returns its id.</summary>
    public static async Task<string> CreateCustomerAsync(HttpClient client)
    {
        var answer = await client.PostAsync("/api/stripe/create_customer", null, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("stripe_customer_id").GetString()!;
    }
}
