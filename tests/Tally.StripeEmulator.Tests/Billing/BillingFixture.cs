using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Stripe;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Tests.Billing;

/// <summary>
/// One emulator for all billing tests, with a webhook receiver. Every test gets its own
/// <c>sk_test_</c> key, i.e. its own emulator account, so tests never see each other's objects.
/// </summary>
public sealed class BillingFixture : IAsyncLifetime
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _webhooks = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Task? _loop;

    public StripeEmulatorServer Server { get; private set; } = null!;

    public string WebhookSecret => Server.WebhookSecret!;

    public sealed record ReceivedWebhook(string Body, string Signature);

    public async ValueTask InitializeAsync()
    {
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
        Server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { WebhookUrl = $"http://127.0.0.1:{port}/hook" });
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _listener.Stop();
        _listener.Close();
        if (_loop is not null) await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public static string NewKey() => "sk_test_billing_" + Guid.NewGuid().ToString("N");

    public StripeClient Client(string apiKey) => new(new StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = Server.ApiBase,
        FilesBase = Server.ApiBase,
        MeterEventsBase = Server.ApiBase,
        ConnectBase = Server.ApiBase,
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
    });

    /// <summary>Waits (generously) for a webhook matching <paramref name="match"/>.</summary>
    public async Task<ReceivedWebhook> WaitForWebhookAsync(Func<JsonObject, bool> match, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var w in _webhooks)
                if (JsonNode.Parse(w.Body) is JsonObject o && match(o)) return w;
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), ct);
        }
        throw new TimeoutException("webhook not delivered");
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8))
            {
                var body = await reader.ReadToEndAsync();
                _webhooks.Enqueue(new ReceivedWebhook(body, ctx.Request.Headers["Stripe-Signature"] ?? ""));
            }
            ctx.Response.StatusCode = 200;
            ctx.Response.Close();
            _arrived.Release();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Seeds catalog objects straight into the account's store (the catalog module is built separately).</summary>
    public T Seed<T>(string apiKey, Func<Core.Account, T> action) => Server.Control.WithAccount(apiKey, action);
}

[CollectionDefinition(Name)]
public sealed class BillingCollection : ICollectionFixture<BillingFixture>
{
    public const string Name = "billing";
}
