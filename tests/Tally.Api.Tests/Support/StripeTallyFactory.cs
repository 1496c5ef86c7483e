using Microsoft.AspNetCore.Hosting;
using Stripe;
using Tally.StripeEmulator;

namespace Tally.Api.Tests.Support;

/// <summary>
/// Tally on a real loopback port, configured for "real Stripe" pointed at a fresh in-memory Stripe
/// emulator, whose start-up webhook endpoint delivers to Tally's <c>/api/billing/webhook</c>.
/// The emulator account already has a meter, a product and a metered price.
/// </summary>
public class StripeTallyFactory : TallyFactory
{
    public const string ApiKey = "sk_test_tally_tests";
    public const string WebhookSecret = "whsec_tally_tests_0123456789abcdef";
    public const string MeterEventName = "api_requests";

    private int port;

    public StripeEmulatorServer Emulator { get; private set; } = null!;

    /// <summary>Stripe.net talking to the emulator, for arranging and inspecting Stripe state.</summary>
    public StripeClient Stripe { get; private set; } = null!;

    public string MeterId { get; private set; } = "";

    public string ProductId { get; private set; } = "";

    public string PriceId { get; private set; } = "";

    /// <summary>Tally's own base address (a real socket, so the emulator can deliver webhooks).</summary>
    public Uri TallyAddress => new($"http://127.0.0.1:{port}");

    protected virtual StripeEmulatorOptions EmulatorOptions(string webhookUrl) => new() { WebhookUrl = webhookUrl, WebhookSecret = WebhookSecret };

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["STRIPE_SECRET_KEY"] = ApiKey,
        ["STRIPE_API_BASE"] = Emulator.ApiBase,
        ["STRIPE_WEBHOOK_SECRET"] = WebhookSecret,
        ["STRIPE_PRICE_METERED_ID"] = PriceId,
        ["STRIPE_PRODUCT_ID"] = ProductId,
    };

    public override async ValueTask InitializeAsync()
    {
        // Tally's port is chosen first (the emulator needs the webhook URL); the emulator, on any free
        // port, may be handed that very port, just released: then both are chosen again.
        while (true)
        {
            port = TallyProcess.FreePort();
            Emulator = await StripeEmulatorServer.StartAsync(EmulatorOptions($"http://127.0.0.1:{port}/api/billing/webhook"));
            if (new Uri(Emulator.ApiBase).Port != port)
            {
                break;
            }

            await Emulator.DisposeAsync();
        }

        Stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = ApiKey, ApiBase = Emulator.ApiBase, FilesBase = Emulator.ApiBase, MeterEventsBase = Emulator.ApiBase, ConnectBase = Emulator.ApiBase,
        });
        var meter = await Stripe.V1.Billing.Meters.CreateAsync(new global::Stripe.Billing.MeterCreateOptions
        {
            DisplayName = "API requests",
            EventName = MeterEventName,
            DefaultAggregation = new global::Stripe.Billing.MeterDefaultAggregationOptions { Formula = "sum" },
        });
        var product = await Stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "API" });
        var price = await Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = product.Id, UnitAmount = 2,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = meter.Id },
        });
        (MeterId, ProductId, PriceId) = (meter.Id, product.Id, price.Id);
        await base.InitializeAsync();
    }

    protected override void StartHost()
    {
        UseKestrel(port);
        StartServer();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Emulator.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
