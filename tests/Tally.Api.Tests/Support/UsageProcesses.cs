using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Stripe;
using Tally.StripeEmulator;

namespace Tally.Api.Tests.Support;

/// <summary>
/// Real Tally processes (the executable a user runs) on one database and one Stripe emulator, for the
/// usage pipeline's crash and scale-out tests. Tally runs in "real Stripe" mode against the emulator,
/// so any number of processes can share it, and restarts keep talking to the same account.
/// </summary>
public sealed class UsageProcesses : IAsyncDisposable
{
    public const string ApiKey = "sk_test_usage_processes";
    public const string WebhookSecret = "whsec_usage_processes_0123456789";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string directory = Directory.CreateTempSubdirectory("tally-usage-").FullName;
    private TestDatabase database = null!;

    public StripeEmulatorServer Emulator { get; private set; } = null!;

    public string MeterId { get; private set; } = "";

    private Dictionary<string, string> Environment { get; set; } = [];

    public static async Task<UsageProcesses> StartAsync()
    {
        var set = new UsageProcesses { Emulator = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions()) };
        var stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = ApiKey, ApiBase = set.Emulator.ApiBase, MeterEventsBase = set.Emulator.ApiBase, FilesBase = set.Emulator.ApiBase,
        });
        var meter = await stripe.V1.Billing.Meters.CreateAsync(new global::Stripe.Billing.MeterCreateOptions
        {
            DisplayName = "Usage", EventName = "usage_units", DefaultAggregation = new global::Stripe.Billing.MeterDefaultAggregationOptions { Formula = "sum" },
        }, cancellationToken: Ct);
        var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Usage" }, cancellationToken: Ct);
        var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = product.Id, UnitAmount = 1, Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = meter.Id },
        }, cancellationToken: Ct);
        set.MeterId = meter.Id;
        set.database = await TestDatabase.CreateAsync();
        set.Environment = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = set.database.Url, ["TALLY_JWT_SIGNING_KEY"] = TestTokens.SigningKey, ["TALLY_ADMIN_EMAILS"] = TestTokens.AdminEmail,
            ["STRIPE_SECRET_KEY"] = ApiKey, ["STRIPE_API_BASE"] = set.Emulator.ApiBase, ["STRIPE_WEBHOOK_SECRET"] = WebhookSecret,
            ["STRIPE_PRICE_METERED_ID"] = price.Id, ["STRIPE_PRODUCT_ID"] = product.Id,
            ["Usage__FlushInterval"] = "00:00:00.200", ["Usage__StripeRatePerSecond"] = "1000", ["Usage__RetryDelay"] = "00:00:00.050",
            ["Usage__Lease"] = "00:00:05", ["Webhooks__ProcessorEnabled"] = "false",
        };
        return set;
    }

    /// <summary>Starts one more Tally process (with <paramref name="extra"/> settings besides the set's); returns it and an admin client on it.</summary>
    public async Task<(TallyProcess Tally, HttpClient Admin)> ServeAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var (tally, url) = await TallyProcess.ServeAsync(directory, environment, StartTimeout);
        return (tally, ClientFor(url, TestTokens.For("usage-admin", TestTokens.AdminEmail)));
    }

    public static HttpClient ClientFor(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>An editor with a customer and a metered subscription, made through <paramref name="admin"/>'s Tally.</summary>
    public static async Task<(string Subject, string CustomerId, DateTimeOffset Start, DateTimeOffset End)> MeteredEditorAsync(HttpClient admin, int n)
    {
        var subject = $"usage-editor-{n}-{Guid.NewGuid():N}";
        using var editor = ClientFor(admin.BaseAddress!.ToString(), TestTokens.For(subject, $"{subject}@example.com"));
        var me = await editor.GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);
        var promoted = await admin.PutAsJsonAsync($"/api/admin/users/{me.GetProperty("id").GetInt64()}/role", new { role = "editor" }, TallyFactory.Json, Ct);
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        var customer = await StripeArrange.CreateCustomerAsync(editor);
        var subscription = await (await editor.PostAsync("/api/billing/subscriptions", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        return (subject, customer, subscription.GetProperty("current_period_start").GetDateTimeOffset(), subscription.GetProperty("current_period_end").GetDateTimeOffset());
    }

    /// <summary>The meter events Stripe received: identifier → every value it was sent with.</summary>
    public Dictionary<string, List<string>> MeterEventsByIdentifier() =>
        Emulator.Control.Requests.Where(r => r.Path == "/v1/billing/meter_events" && r.Method == "POST")
            .Select(r => QueryHelpers.ParseQuery(r.Body))
            .GroupBy(q => q["identifier"].ToString())
            .ToDictionary(g => g.Key, g => g.Select(q => q["payload[value]"].ToString()).ToList());

    public decimal StripeTotal(string customerId, DateTimeOffset start, DateTimeOffset end) => Emulator.Control.MeterTotal(ApiKey, customerId, MeterId, start, end);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}
