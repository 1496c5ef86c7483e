using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tally.Api.Tests.Support;

/// <summary>An editor with a Stripe customer and a metered subscription, made through Tally's API.</summary>
public sealed record MeteredEditor(HttpClient Client, long UserId, string CustomerId, string SubscriptionId, string ItemId,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd);

public static class UsageArrange
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<MeteredEditor> MeteredEditorAsync(TallyFactory factory, string role = "editor")
    {
        var (client, userId) = await factory.ClientWithRoleAsync(role);
        var customerId = await StripeArrange.CreateCustomerAsync(client);
        var answer = await client.PostAsync("/api/billing/subscriptions", null, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        return new MeteredEditor(client, userId, customerId, body.GetProperty("subscription_id").GetString()!,
            body.GetProperty("subscription_item_id").GetString()!, body.GetProperty("current_period_start").GetDateTimeOffset(),
            body.GetProperty("current_period_end").GetDateTimeOffset());
    }

    /// <summary>POSTs a report (an anonymous object as JSON) with an optional Idempotency-Key.</summary>
    public static Task<HttpResponseMessage> ReportAsync(HttpClient client, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/report_usage") { Content = JsonContent.Create(body, options: TallyFactory.Json) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return client.SendAsync(request, Ct);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
}
