using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Webhooks;

public sealed record WebhookAck(bool Received);

internal static class WebhookEndpoints
{
    /// <summary>Stripe's tolerance between the signature's timestamp and our clock.</summary>
    private const long ToleranceSeconds = 300;

    public static void MapWebhookIntake(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/billing/webhook", ReceiveAsync)
            .WithTags("Webhooks")
            .WithName("ReceiveStripeWebhook")
            .WithSummary("Stripe webhook: verified by the Stripe-Signature header, stored once, processed in the background.")
            .AllowAnonymous()
            .ProducesProblems(400, 413, 503);

    private static async Task<Results<Ok<WebhookAck>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, StripeAccount account, DatabaseSettings database, IServiceProvider services, WebhookSignal signal, TimeProvider clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        var logger = logs.CreateLogger(typeof(WebhookEndpoints).FullName!);
        // The raw bytes are what Stripe signed: read them as they are, never re-serialise.
        var body = await ReadBodyAsync(request.BodyReader, ct);
        var json = Encoding.UTF8.GetString(body);

        var header = request.Headers["Stripe-Signature"].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return Problems.Result(400, "missing_signature", "The Stripe-Signature header is required.");
        }

        if (string.IsNullOrEmpty(account.WebhookSecret))
        {
            return Problems.Result(503, "webhooks_not_configured", "No webhook signing secret is configured (STRIPE_WEBHOOK_SECRET).");
        }

        // The same signature and timestamp check as EventUtility.ConstructEvent, without its full typed
        // parse of the event: that parse cost ~0.45 ms per event and capped intake near 2,000/s. The
        // processor parses with Stripe.net when it handles the event.
        var signature = StripeWebhooks.Verify(json, header, account.WebhookSecret, ToleranceSeconds);
        if (signature != SignatureCheck.Valid)
        {
            var (code, detail) = signature == SignatureCheck.Stale
                ? ("stale_signature", "The signature's timestamp is outside the 300 s tolerance.")
                : ("invalid_signature", "The Stripe-Signature header does not match the body and the signing secret.");
            logger.LogInformation("Rejected a webhook: {Code}", code);
            return Problems.Result(400, code, detail);
        }

        StoredEventFields evt;
        try
        {
            evt = StoredEventFields.Read(body);
        }
        catch (System.Text.Json.JsonException)
        {
            // Correctly signed, but not a (snapshot) Stripe event.
            logger.LogInformation("Rejected a signed webhook body that is not an event");
            return Problems.Result(400, "invalid_payload", "The body is not a Stripe event.");
        }

        if (evt.Id is null || evt.Type is null || evt.Created is null)
        {
            return Problems.Result(400, "invalid_payload", "The event has no id, type or created.");
        }

        if (evt.Id.Length > StripeColumns.StripeIdLength || evt.Type.Length > WebhookEvent.TypeLength ||
            evt.ApiVersion?.Length > WebhookEvent.ApiVersionLength || evt.ObjectId?.Length > StripeColumns.StripeIdLength)
        {
            // Longer than any Stripe id or type; on PostgreSQL such a row would also fail the other events stored with it.
            return Problems.Result(400, "invalid_payload", "The event's id, type, API version or object id is longer than Stripe's.");
        }

        if (evt.ApiVersion is null || !StripeWebhooks.IsCompatibleApiVersion(evt.ApiVersion))
        {
            // What ConstructEvent's throwOnApiVersionMismatch refuses: another release train than Stripe.net's.
            logger.LogInformation("Rejected a webhook: {Code}", "unsupported_api_version");
            return Problems.Result(400, "unsupported_api_version",
                "The event's API version is not the one Tally's Stripe library expects; set the endpoint's API version.");
        }

        var now = clock.GetUtcNow();
        var row = new WebhookEvent
        {
            StripeEventId = evt.Id,
            Type = evt.Type,
            ApiVersion = evt.ApiVersion,
            StripeCreated = DateTimeOffset.FromUnixTimeSeconds(evt.Created.Value),
            ObjectId = evt.ObjectId,
            Payload = json,
            ReceivedAt = now,
            NextAttemptAt = now,
        };
        var stored = database.Provider == DatabaseProvider.Postgres
            ? await services.GetRequiredService<InboxGroupCommit>().InsertAsync(row, ct)
            : await WebhookInbox.TryInsertAsync(services.GetRequiredService<TallyDbContext>(), row, ct);
        if (stored)
        {
            services.GetRequiredService<Infrastructure.Telemetry.TallyMetrics>().WebhookReceived();
            signal.Wake();
        }

        logger.LogDebug("Webhook {StripeEventId} ({EventType}) {Outcome}", evt.Id, evt.Type, stored ? "stored" : "already stored");
        return TypedResults.Ok(new WebhookAck(true));
    }

    /// <summary>The whole body (Kestrel caps its size), in one array.</summary>
    private static async Task<byte[]> ReadBodyAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.IsCompleted)
            {
                var body = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return body;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}
