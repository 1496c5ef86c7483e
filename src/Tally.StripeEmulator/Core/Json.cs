using System.Globalization;
using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>Small helpers for building Stripe objects as <see cref="JsonObject"/>s.</summary>
internal static class Json
{
    /// <summary>The id of an expandable field, whether it holds <c>"cus_1"</c> or an expanded object.</summary>
    public static string? IdOf(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => (string?)o["id"],
        _ => null,
    };

    public static string? Str(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>An integer field whether it was stored as int, long or parsed JSON (TryGetValue&lt;long&gt; alone misses ints).</summary>
    public static long? Long(JsonObject obj, string key)
    {
        if (obj[key] is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            return null;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        return long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out l) ? l : null;
    }

    public static bool Bool(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>Stripe's decimal-string form (<c>"0.5"</c>, <c>"1000"</c>).</summary>
    public static string DecimalString(decimal d) => d.ToString("0.############", CultureInfo.InvariantCulture);

    /// <summary>Applies <c>metadata[k]=v</c> (set), <c>metadata[k]=</c> (remove) and <c>metadata=</c> (clear all).</summary>
    public static void ApplyMetadata(JsonObject target, Params p, string key = "metadata")
    {
        if (target[key] is not JsonObject meta)
        {
            target[key] = meta = new JsonObject();
        }

        if (p.IsCleared(key))
        {
            meta.Clear();
            return;
        }
        foreach (var (k, v) in p.Map(key))
        {
            if (v.Length == 0)
            {
                meta.Remove(k);
            }
            else
            {
                meta[k] = v;
            }
        }
    }

    /// <summary>Sets a nullable string field: absent → untouched, <c>key=</c> → null, value → value.</summary>
    public static void ApplyString(JsonObject target, Params p, string key, string? jsonKey = null)
    {
        if (!p.Has(key))
        {
            return;
        }

        target[jsonKey ?? key] = p.Text(key);
    }

    /// <summary>A deleted-object stub: <c>{"id","object","deleted":true}</c>.</summary>
    public static JsonObject Deleted(string id, string objectType) =>
        new() { ["id"] = id, ["object"] = objectType, ["deleted"] = true };

    /// <summary>Records the old values of the keys that differ between two snapshots (one level, as previous_attributes).</summary>
    public static JsonObject? Diff(JsonObject before, JsonObject after)
    {
        var prev = new JsonObject();
        foreach (var (k, v) in before)
        {
            if (!JsonNode.DeepEquals(v, after[k]))
            {
                prev[k] = v?.DeepClone();
            }
        }
        foreach (var (k, _) in after)
        {
            if (!before.ContainsKey(k))
            {
                prev[k] = null;
            }
        }
        return prev.Count == 0 ? null : prev;
    }
}
