using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Stripe;

/// <summary>
/// The run command with no configuration at all gives a working Stripe flow through the embedded
/// emulator: customer, card, subscription, and the webhooks coming back into the mirror.
/// </summary>
public sealed class ZeroConfigStripeFlowTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tally-zero-config-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    [Fact]
    public async Task Serve_WithNoConfiguration_RunsTheWholeStripeFlow_AgainstTheEmbeddedEmulator()
    {
        var (serving, url) = await TallyProcess.ServeAsync(directory, null, TimeSpan.FromSeconds(90));
        await using var tally = serving;
        Assert.True(await tally.WaitForOutputAsync("Try: curl", TimeSpan.FromSeconds(90)), tally.Stdout + tally.Stderr);
        Assert.Contains("Stripe: embedded emulator at http://127.0.0.1:", tally.Stdout);
        Assert.Contains($"webhooks: {url}/api/billing/webhook", tally.Stdout);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tally.AdminToken);

        var customer = await PostAsync(http, "/api/stripe/create_customer", new { });
        var card = await PostAsync(http, "/api/stripe/attach_payment_method", new { payment_method_id = "pm_card_visa", set_default = true });
        var subscription = await PostAsync(http, "/api/billing/subscriptions", new { });

        Assert.StartsWith("cus_", customer.GetProperty("stripe_customer_id").GetString());
        Assert.Equal("4242", card.GetProperty("last4").GetString());
        var subscriptionId = subscription.GetProperty("subscription_id").GetString()!;
        var itemId = subscription.GetProperty("subscription_item_id").GetString()!;
        Assert.StartsWith("si_", itemId);

        // The emulator delivers customer.subscription.created to Tally's own webhook URL; the processor handles it.
        await Eventually.TrueAsync(async () =>
        {
            var events = await http.GetFromJsonAsync<JsonElement>("/api/admin/webhooks?limit=100", Ct);
            return events.GetProperty("data").EnumerateArray().Any(e =>
                e.GetProperty("type").GetString() == "customer.subscription.created" && e.GetProperty("status").GetString() == "processed");
        }, "customer.subscription.created to reach the mirror through the webhook");
        var mine = await http.GetFromJsonAsync<JsonElement>("/api/billing/subscriptions", Ct);
        var mirrored = Assert.Single(mine.GetProperty("data").EnumerateArray(), s => s.GetProperty("subscription_id").GetString() == subscriptionId);
        Assert.Equal(itemId, mirrored.GetProperty("subscription_item_id").GetString());

        // Expected races (the endpoint and the webhook both writing the new customer and subscription,
        // a first migration probing for its history table) are handled, and so are not logged as failures.
        var output = tally.Stdout + tally.Stderr;
        Assert.DoesNotContain("fail:", output);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);

        // Secrets on disk: only the owner may read the database, the emulator's state and its webhook secret.
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(directory, "tally.db.stripe")));
            Assert.Equal(owner, File.GetUnixFileMode(Path.Combine(directory, "tally.db.stripe", "webhook-secret")));
            var state = Path.Combine(directory, "tally.db.stripe", "emulator.json");
            Assert.True(!File.Exists(state) || File.GetUnixFileMode(state) == owner, "emulator.json is readable by others");
            Assert.Equal(owner, File.GetUnixFileMode(Path.Combine(directory, "tally.db")));
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        var response = await http.PostAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
