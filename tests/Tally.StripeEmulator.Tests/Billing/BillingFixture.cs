using System.Text.Json.Nodes;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Billing;

/// <summary>
/// One emulator for all billing tests, delivering every event to a webhook receiver. Every test
/// gets its own <c>sk_test_</c> key, i.e. its own emulator account, so tests never see each other's
/// objects. Clients strict-check every response against Stripe.net's types.
/// </summary>
public sealed class BillingFixture : IAsyncLifetime
{
    private WebhookReceiver? receiver;

    public StripeEmulatorServer Server { get; private set; } = null!;

    public string WebhookSecret => Server.WebhookSecret!;

    public async ValueTask InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        Server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { WebhookUrl = receiver.Url });
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (receiver is not null)
        {
            await receiver.DisposeAsync();
        }
    }

    public static string NewKey() => EmulatorFixture.NewKey();

    public StripeClient Client(string apiKey) => Clients.For(Server, apiKey, maxNetworkRetries: 0);

    /// <summary>Every delivery received so far (raw body and signature).</summary>
    public IReadOnlyList<WebhookReceiver.Received> Webhooks => receiver!.All;

    /// <summary>Waits (generously, not a timing assertion) for a webhook whose body matches.</summary>
    public async Task<WebhookReceiver.Received> WaitForWebhookAsync(Func<JsonObject, bool> match, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var w in receiver!.All)
            {
                if (JsonNode.Parse(w.Body) is JsonObject o && match(o))
                {
                    return w;
                }
            }

            await receiver.WaitForAsync(receiver.All.Count + 1, TimeSpan.FromMilliseconds(250));
            ct.ThrowIfCancellationRequested();
        }
        throw new TimeoutException("webhook not delivered");
    }
}

[CollectionDefinition(Name)]
public sealed class BillingCollection : ICollectionFixture<BillingFixture>
{
    public const string Name = "billing";
}
