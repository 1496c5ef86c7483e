using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// Delivers events in the background, signed as Stripe does
/// (<c>Stripe-Signature: t=..,v1=hex(HMAC-SHA256(secret, "{t}.{body}"))</c>), retrying non-2xx and
/// connection failures with doubling back-off. Signatures use the wall clock: receivers check a
/// 5-minute tolerance against their own clock, whatever the emulated time.
/// </summary>
internal sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly Emulator emulator;
    private readonly StripeEmulatorOptions options;
    private readonly Channel<Delivery> queue = Channel.CreateUnbounded<Delivery>();
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource stop = new();
    private Task? loop;
    private int pending;

    internal sealed record Delivery(Account Account, string Url, string Secret, byte[] Body, string EventId, string EventType, int Attempt);

    public WebhookDispatcher(Emulator emulator, StripeEmulatorOptions options)
    {
        this.emulator = emulator;
        this.options = options;
        if (options.WebhookUrl is not null && options.WebhookSecret is null)
        {
            options.WebhookSecret = Ids.New("whsec_", 32);
        }
    }

    public int Pending => Volatile.Read(ref pending);

    public void Start() => loop = Task.Run(() => RunAsync(stop.Token));

    /// <summary>Called under the account lock when an event is recorded.</summary>
    public void Enqueue(Account account, JsonObject evt)
    {
        var type = (string)evt["type"]!;
        var targets = new List<(string Url, string Secret)>();
        if (options.WebhookUrl is { } url)
        {
            targets.Add((url, options.WebhookSecret!));
        }

        foreach (var endpoint in account.Store["webhook_endpoint"].All)
        {
            if (endpoint["deleted"] is not null || Json.Str(endpoint, "status") != "enabled")
            {
                continue;
            }

            var events = endpoint["enabled_events"] as JsonArray;
            if (events is null || !events.Any(e => (string?)e == "*" || (string?)e == type))
            {
                continue;
            }

            targets.Add((Json.Str(endpoint, "url")!, account.State<WebhookSecrets>().Get((string)endpoint["id"]!)));
        }
        evt["pending_webhooks"] = targets.Count;
        if (targets.Count == 0)
        {
            return;
        }

        var body = ApiResult.Write(w => evt.WriteTo(w));
        var copies = emulator.Control.DeliverTwice ? 2 : 1;
        foreach (var (u, s) in targets)
        {
            for (var i = 0; i < copies; i++)
            {
                Queue(new Delivery(account, u, s, body, (string)evt["id"]!, type, 1));
            }
        }
    }

    private void Queue(Delivery d)
    {
        Interlocked.Increment(ref pending);
        if (!queue.Writer.TryWrite(d))
        {
            Interlocked.Decrement(ref pending);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<Delivery>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(ct))
            {
                while (emulator.Control.WebhooksPaused)
                {
                    await Task.Delay(20, ct);
                }
                // Gather what is queued so a shuffle has something to reorder.
                if (emulator.Control.ShuffleDelivery)
                {
                    await Task.Delay(50, ct);
                }

                batch.Clear();
                while (queue.Reader.TryRead(out var d))
                {
                    batch.Add(d);
                }

                if (emulator.Control.ShuffleDelivery)
                {
                    for (var i = batch.Count - 1; i > 0; i--)
                    {
                        var j = emulator.Control.NextRandom(i + 1);
                        (batch[i], batch[j]) = (batch[j], batch[i]);
                    }
                }
                // In order per endpoint; endpoints in parallel, so one slow receiver does not hold up the others.
                await Task.WhenAll(batch.GroupBy(d => d.Url).Select(async group =>
                {
                    foreach (var d in group)
                    {
                        await DeliverAsync(d, ct);
                    }
                }));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task DeliverAsync(Delivery d, CancellationToken ct)
    {
        var status = 0;
        string? error = null;
        try
        {
            var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Url) { Content = new ByteArrayContent(d.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={t},v1={Sign(d.Secret, t, d.Body)}");
            request.Headers.UserAgent.ParseAdd("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
            using var response = await http.SendAsync(request, ct);
            status = (int)response.StatusCode;
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // The emulator is stopping: whatever the send ran into, the delivery is abandoned.
            Interlocked.Decrement(ref pending);
            return;
        }
        catch (Exception e)
        {
            // Connection refused, timeout, bad URL...: recorded and retried; one bad endpoint never stops the loop.
            error = e.Message;
        }
        emulator.Control.Record(new WebhookDeliveryRecord(d.EventId, d.EventType, d.Url, d.Attempt, status, error, emulator.Now));
        if (status is >= 200 and < 300)
        {
            MarkDelivered(d);
        }

        if (status is >= 200 and < 300 || d.Attempt >= options.WebhookMaxAttempts)
        {
            Interlocked.Decrement(ref pending);
            return;
        }
        var delay = options.WebhookRetryDelay * Math.Pow(2, d.Attempt - 1);
        _ = RetryLaterAsync(d with { Attempt = d.Attempt + 1 }, delay, ct);
    }

    // pending_webhooks counts endpoints not yet reached; a duplicate delivery does not count twice.
    private static void MarkDelivered(Delivery d)
    {
        lock (d.Account.Sync)
        {
            if (!d.Account.State<DeliveryState>().Delivered.Add((d.EventId, d.Url)))
            {
                return;
            }

            if (d.Account.Store["event"].Get(d.EventId) is { } evt && Json.Long(evt, "pending_webhooks") is > 0 and var n)
            {
                evt["pending_webhooks"] = n - 1;
            }
        }
    }

    private async Task RetryLaterAsync(Delivery d, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
            if (!queue.Writer.TryWrite(d))
            {
                Interlocked.Decrement(ref pending);
            }
        }
        catch (OperationCanceledException) { Interlocked.Decrement(ref pending); }
    }

    public static string Sign(string secret, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message, prefix.Length);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stop.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }

        http.Dispose();
        stop.Dispose();
    }
}

/// <summary>Signing secrets of an account's webhook endpoints (kept off the endpoint object, as Stripe only returns it on create).</summary>
internal sealed class WebhookSecrets
{
    public Dictionary<string, string> ById { get; } = new(StringComparer.Ordinal);

    public string Get(string endpointId) => ById.GetValueOrDefault(endpointId) ?? "";
}

/// <summary>Which (event, endpoint URL) pairs were delivered, so duplicates count once.</summary>
internal sealed class DeliveryState
{
    public HashSet<(string EventId, string Url)> Delivered { get; } = [];
}
