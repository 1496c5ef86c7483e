using System.Security.Cryptography;
using System.Text;

namespace Tally.E2E.Tests.Support;

/// <summary>Signed Stripe webhook deliveries, with the secret the embedded emulator keeps beside Tally's state.</summary>
public static class Webhooks
{
    public const string ApiVersion = "2026-10-28.endive";

    /// <summary>
    /// Delivers a correctly signed <c>customer.updated</c> event whose customer object Stripe.net cannot read
    /// (its <c>created</c> is not a timestamp): intake stores it, the processor marks it failed.
    /// </summary>
    public static async Task<string> DeliverUnreadableAsync(TallyServer tally)
    {
        var id = $"evt_e2e_{Guid.NewGuid():N}"[..28];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = $$$"""{"id":"{{{id}}}","object":"event","api_version":"{{{ApiVersion}}}","created":{{{now}}},"data":{"object":{"id":"cus_e2e_unreadable","object":"customer","created":"not a timestamp"}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"customer.updated"}""";
        var secret = (await File.ReadAllTextAsync(tally.WebhookSecretPath)).Trim();
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{now}.{payload}")));
        using var http = new HttpClient { BaseAddress = new Uri(tally.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={now},v1={signature}");
        var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"webhook refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return id;
    }
}
