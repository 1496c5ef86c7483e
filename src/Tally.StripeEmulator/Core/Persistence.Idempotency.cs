using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>The <c>idempotency</c> part of an account's snapshot (bounded by <see cref="IdempotencyCache"/>).</summary>
internal sealed partial class Persistence
{
    // Saved responses, so that a client retrying across a restart gets a replay, not a second object.
    private void WriteIdempotency(Utf8JsonWriter w, Account account)
    {
        w.WriteStartArray("idempotency");
        foreach (var (key, e) in account.Idempotency.Completed(emulator.Now))
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteString("fingerprint", e.Fingerprint);
            w.WriteNumber("created", e.Created.ToUnixTimeMilliseconds());
            w.WriteString("request_id", e.RequestId);
            w.WriteNumber("status", e.Status);
            w.WriteString("content_type", e.ContentType);
            w.WriteBase64String("body", e.Body);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void LoadIdempotency(Account account, JsonArray saved)
    {
        foreach (var node in saved)
        {
            if (node is not JsonObject o || (string?)o["key"] is not { } key || (string?)o["fingerprint"] is not { } fingerprint)
            {
                continue;
            }

            var entry = new IdempotencyCache.Entry(fingerprint, DateTimeOffset.FromUnixTimeMilliseconds((long)o["created"]!), (string?)o["request_id"] ?? "")
            {
                Status = (int)o["status"]!,
                ContentType = (string?)o["content_type"] ?? "application/json",
                Body = o["body"]?.GetValue<string>() is { } b ? Convert.FromBase64String(b) : [],
            };
            account.Idempotency.Restore(key, entry, emulator.Now);
        }
    }
}
