using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stripe;
using Tally.Api.Features.Webhooks;

namespace Tally.Api.Tests.Support;

internal static class WebhookKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Waits until the emulator delivered everything and Tally handled every stored event.</summary>
    public static Task DrainedAsync(StripeTallyFactory factory) => Eventually.TrueAsync(async () =>
        factory.Emulator.Control.PendingWebhooks == 0 &&
        !await factory.WithDbAsync(db => db.Set<WebhookEvent>().AnyAsync(e => e.Status == WebhookStatus.Pending, Ct)) &&
        factory.Emulator.Control.PendingWebhooks == 0,
        "all webhooks delivered and processed");

    /// <summary>
    /// A processor of the host's services (for a host whose own processor is off, driven by the test
    /// with <see cref="WebhookProcessor.RunOnceAsync"/>), with the host's options but the given ones.
    /// </summary>
    public static WebhookProcessor Processor(TallyFactory factory, int? batchSize = null, int? parallelism = null, TimeSpan? retryDelay = null, TimeProvider? clock = null)
    {
        var configured = factory.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var options = Options.Create(new WebhookOptions
        {
            ProcessorEnabled = true, BatchSize = batchSize ?? configured.BatchSize, Parallelism = parallelism ?? configured.Parallelism,
            MaxAttempts = configured.MaxAttempts, RetryDelay = retryDelay ?? configured.RetryDelay, Lease = configured.Lease, PollInterval = configured.PollInterval,
            MaxRetryDelay = configured.MaxRetryDelay, RetryWindow = configured.RetryWindow,
        });
        return clock is null
            ? ActivatorUtilities.CreateInstance<WebhookProcessor>(factory.Services, options)
            : ActivatorUtilities.CreateInstance<WebhookProcessor>(factory.Services, options, clock);
    }

    /// <summary>
    /// Waits until the emulator has no delivery left to make (its processor may be off): Tally answers a
    /// delivery once the event is stored. Events made before Tally listened may have run out of attempts.
    /// </summary>
    public static Task StoredAllAsync(StripeTallyFactory factory) =>
        Eventually.TrueAsync(() => Task.FromResult(factory.Emulator.Control.PendingWebhooks == 0), "every event delivered and stored");

    /// <summary>Rows of <paramref name="factory"/>'s inbox by status.</summary>
    public static Task<Dictionary<string, int>> StatusCountsAsync(TallyFactory factory) => factory.WithDbAsync(async db =>
        (await db.Set<WebhookEvent>().GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(Ct)).ToDictionary(g => g.Key, g => g.Count));

    /// <summary>Runs batches until the processor finds nothing due.</summary>
    public static async Task RunUntilIdleAsync(WebhookProcessor processor)
    {
        while (await processor.RunOnceAsync(Ct) > 0)
        {
        }
    }

    /// <summary>
    /// A signed POST of <paramref name="payload"/> as Stripe would send it (or with the given header).
    /// With <paramref name="expectContinue"/> the body is sent only once Tally asks for it, so a body
    /// Tally refuses from its headers alone is not written into a connection Tally has closed.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string payload, string? signature, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = expectContinue ? true : null;
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await client.SendAsync(request, Ct);
    }

    public static string Sign(string payload, string secret = StripeTallyFactory.WebhookSecret, DateTimeOffset? at = null) =>
        EventUtility.GenerateSignatureHeader(payload, secret, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());

    /// <summary>A minimal snapshot event of the SDK's API version.</summary>
    public static string EventJson(string id, string type, string objectJson, long? created = null) =>
        $$"""{"id":"{{id}}","object":"event","api_version":"{{StripeConfiguration.ApiVersion}}","created":{{created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"data":{"object":{{objectJson}}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"{{type}}"}""";

    /// <summary>Raw events as the emulator stored them, oldest first (through the Events API, not re-serialised).</summary>
    public static async Task<List<string>> StoredEventsAsync(StripeClient stripe)
    {
        var all = new List<JsonElement>();
        string? after = null;
        while (true)
        {
            var query = after is null ? "/v1/events?limit=100" : $"/v1/events?limit=100&starting_after={after}";
            var response = await stripe.RawRequestAsync(HttpMethod.Get, query, cancellationToken: Ct);
            var page = JsonDocument.Parse(response.Content).RootElement;
            var data = page.GetProperty("data").EnumerateArray().ToList();
            all.AddRange(data);
            if (!page.GetProperty("has_more").GetBoolean() || data.Count == 0)
            {
                break;
            }

            after = data[^1].GetProperty("id").GetString();
        }

        all.Reverse();
        return all.Select(e => e.GetRawText()).ToList();
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
}
