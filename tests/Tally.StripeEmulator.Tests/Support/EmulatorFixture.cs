using Stripe;

namespace Tally.StripeEmulator.Tests.Support;

/// <summary>
/// One in-memory emulator per test class (random port). Each test should use its own
/// <see cref="NewKey"/>: every key is a separate Stripe account, so tests do not see each other's objects.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private StripeEmulatorServer? server;

    public StripeEmulatorServer Server => server ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() =>
        server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Port = 0 }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    public static string NewKey() => "sk_test_" + Guid.NewGuid().ToString("N");

    /// <summary>A Stripe.net client for a fresh account, strict-checking every response.</summary>
    public StripeClient NewClient(int maxNetworkRetries = 2) => Client(NewKey(), maxNetworkRetries);

    public StripeClient Client(string apiKey, int maxNetworkRetries = 2) => Clients.For(Server, apiKey, maxNetworkRetries);
}

public static class Clients
{
    /// <summary>How Tally and tests point Stripe.net at an emulator: every base URL is the emulator.</summary>
    public static StripeClient For(StripeEmulatorServer server, string apiKey, int maxNetworkRetries = 2) =>
        new(new StripeClientOptions
        {
            ApiKey = apiKey,
            ApiBase = server.ApiBase,
            FilesBase = server.ApiBase,
            ConnectBase = server.ApiBase,
            MeterEventsBase = server.ApiBase,
            HttpClient = new SystemNetHttpClient(
                new HttpClient(new StrictCheckingHandler(new SocketsHttpHandler())) { Timeout = TimeSpan.FromSeconds(30) },
                maxNetworkRetries, appInfo: null, enableTelemetry: false),
        });

    /// <summary>Raw HTTP against the emulator (for what the SDK cannot send, e.g. no key at all).</summary>
    public static HttpClient Raw(StripeEmulatorServer server, string? apiKey = null)
    {
        var http = new HttpClient { BaseAddress = server.BaseUrl };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        }

        return http;
    }
}
