using Stripe;
using Tally.Api.Infrastructure.Configuration;
using Tally.StripeEmulator;

namespace Tally.Api.Infrastructure.Stripe;

internal static class StripeRegistration
{
    public const string StripeApiBase = "https://api.stripe.com";
    public const string HttpClientName = "stripe";

    /// <summary>The emulator answers any <c>sk_test_</c> key; this one is not a secret.</summary>
    public const string EmulatorApiKey = "sk_test_tally_embedded_emulator";

    public static readonly IReadOnlyCollection<string> StripePdfHosts = ["pay.stripe.com", "invoice.stripe.com", "files.stripe.com", "dashboard.stripe.com"];

    /// <summary>
    /// Registers the one <see cref="StripeClient"/> and the gateway. Without <c>STRIPE_SECRET_KEY</c>,
    /// starts the embedded emulator on loopback (when <paramref name="startEmulator"/>: the verbs that
    /// talk to Stripe), keeping its state beside the database.
    /// </summary>
    public static void AddTallyStripe(this WebApplicationBuilder builder, TallySettings settings, bool startEmulator)
    {
        var account = settings.Stripe.UsesEmulator && startEmulator
            ? EmulatorAccount(builder, settings)
            : new StripeAccount
            {
                ApiKey = settings.Stripe.SecretKey ?? EmulatorApiKey,
                ApiBase = settings.Stripe.ApiBase?.GetLeftPart(UriPartial.Path).TrimEnd('/') ?? StripeApiBase,
                IsEmulator = false,
                WebhookSecret = settings.Stripe.WebhookSecret,
                ProductId = settings.Stripe.ProductId,
                PriceMeteredId = settings.Stripe.PriceMeteredId,
            };
        account.AllowedPriceIds = settings.Stripe.AllowedPriceIds;
        builder.Services.AddSingleton(account);
        builder.Services.AddHttpClient(HttpClientName, c => c.Timeout = settings.Stripe.Timeout).AddHttpMessageHandler<Telemetry.StripeTelemetryHandler>();
        builder.Services.AddSingleton(sp => new StripeClient(new StripeClientOptions
        {
            ApiKey = account.ApiKey,
            ApiBase = account.ApiBase,
            FilesBase = account.ApiBase == StripeApiBase ? null : account.ApiBase,
            MeterEventsBase = account.ApiBase == StripeApiBase ? null : account.ApiBase,
            ConnectBase = account.ApiBase == StripeApiBase ? null : account.ApiBase,
            HttpClient = new SystemNetHttpClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), maxNetworkRetries: 2),
        }));
        builder.Services.AddScoped<StripeGateway>();
        builder.Services.AddScoped<StripeTestMode>();
        builder.Services.AddSingleton<UserLocks>();
        builder.Services.AddHostedService<StripeBootstrap>();
    }

    private static StripeAccount EmulatorAccount(WebApplicationBuilder builder, TallySettings settings)
    {
        // With PostgreSQL there is no database file to sit beside: the working directory holds the state.
        var stateDirectory = (settings.Database.SqlitePath ?? Path.GetFullPath("tally")) + ".stripe";
        var account = new StripeAccount
        {
            ApiKey = EmulatorApiKey,
            ApiBase = "http://127.0.0.1:0",
            IsEmulator = true,
            EmulatorStatePath = Path.Combine(stateDirectory, "emulator.json"),
            WebhookUrl = OwnWebhookUrl(builder.Configuration["urls"]),
            ProductId = settings.Stripe.ProductId,
            PriceMeteredId = settings.Stripe.PriceMeteredId,
        };
        builder.Services.AddSingleton<EmbeddedEmulator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedEmulator>());
        return account;
    }

    /// <summary>Tally's own webhook URL on loopback, from the first listening URL (<c>localhost:8000</c> by default).</summary>
    private static string? OwnWebhookUrl(string? urls)
    {
        var first = (urls ?? Cli.HostingSetup.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries)[0]
            .Replace("://*", "://127.0.0.1").Replace("://+", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1")
            .Replace("://localhost", "://127.0.0.1").Replace("://[::]", "://127.0.0.1");
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Port > 0
            ? new Uri(uri, "/api/billing/webhook").ToString()
            : null;
    }
}
