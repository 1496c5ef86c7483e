using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Stripe;

namespace Tally.StripeEmulator.Tests.Support;

/// <summary>
/// Walks raw response JSON against Stripe.net 53.1.0's own types: an <c>object</c> value that does
/// not match the SDK type, a wrong JSON kind, or <c>null</c> where the SDK property is a
/// non-nullable value type fails. The type comes from the JSON's <c>object</c> (via
/// <see cref="StripeTypeRegistry"/>) or is given explicitly.
/// </summary>
public static class StrictParse
{
    private static readonly IReadOnlyDictionary<string, Type> V1 = StripeTypeRegistry.ObjectsToTypes;
    private static readonly IReadOnlyDictionary<string, Type> V2 = (IReadOnlyDictionary<string, Type>)typeof(StripeTypeRegistry)
        .GetField("V2ObjectsToTypes", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(null)!;
    private static readonly Dictionary<Type, string> ObjectNames = V1.Concat(V2)
        .GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key);

    /// <summary>Checks a response body whose type is named by its own <c>object</c> (lists: each item).</summary>
    public static void CheckJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Fail("$", "response is not a JSON object");
        }

        if (root.TryGetProperty("error", out var error))
        {
            CheckError(error);
            return;
        }
        if (!root.TryGetProperty("object", out var obj))
        {
            return; // e.g. v2 meter_event_stream's "{}"
        }

        var name = obj.GetString();
        if (name is "list" or "search_result")
        {
            Walk(root, typeof(StripeSearchResult<Customer>), "$", checkItems: false);
            foreach (var item in root.GetProperty("data").EnumerateArray())
            {
                Walk(item, TypeOf(item, "$.data[]") ?? throw Fail("$.data[]", $"unknown object '{item.GetProperty("object")}'"), "$.data[]");
            }

            return;
        }
        var type = TypeOf(root, "$") ?? throw Fail("$", $"object '{name}' is not a Stripe.net type");
        Walk(root, type, "$");
    }

    /// <summary>Checks a parsed entity against its declared type <typeparamref name="T"/>, from its raw response.</summary>
    public static T Check<T>(T entity) where T : IStripeEntity
    {
        var content = entity.StripeResponse?.Content ?? throw new StrictParseException("$", "entity has no StripeResponse");
        using var doc = JsonDocument.Parse(content);
        Walk(doc.RootElement, typeof(T), "$");
        return entity;
    }

    /// <summary>Checks raw JSON against an explicit SDK type.</summary>
    public static void CheckJson<T>(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Walk(doc.RootElement, typeof(T), "$");
    }

    private static void CheckError(JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object)
        {
            throw Fail("$.error", "error is not an object");
        }

        if (!error.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw Fail("$.error.type", "missing type");
        }

        if (!error.TryGetProperty("message", out var m) || m.ValueKind != JsonValueKind.String)
        {
            throw Fail("$.error.message", "missing message");
        }

        Walk(error, typeof(StripeError), "$.error");
    }

    private static Type? TypeOf(JsonElement element, string path)
    {
        if (!element.TryGetProperty("object", out var o) || o.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var name = o.GetString()!;
        return V1.TryGetValue(name, out var t) ? t : V2.TryGetValue(name, out t) ? t : null;
    }

    private static void Walk(JsonElement el, Type type, string path, bool checkItems = true)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (el.ValueKind == JsonValueKind.Null)
        {
            if (type.IsValueType && underlying is null)
            {
                throw Fail(path, $"null for non-nullable {type.Name}");
            }

            return;
        }
        type = underlying ?? type;
        if (type == typeof(object) || type == typeof(JsonElement))
        {
            return;
        }

        if (type == typeof(string))
        {
            if (el.ValueKind != JsonValueKind.String)
            {
                throw Fail(path, $"expected string, got {el.ValueKind}");
            }

            return;
        }
        if (type == typeof(bool))
        {
            if (el.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Fail(path, $"expected boolean, got {el.ValueKind}");
            }

            return;
        }
        if (type == typeof(long) || type == typeof(int) || type == typeof(DateTime) || type == typeof(decimal) || type == typeof(double))
        {
            // Stripe sends integers as numbers; decimal_string fields (unit_amount_decimal) and timestamps may be strings.
            var ok = el.ValueKind == JsonValueKind.Number
                || (type != typeof(long) && type != typeof(int) && el.ValueKind == JsonValueKind.String && decimal.TryParse(el.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                || (type == typeof(DateTime) && el.ValueKind == JsonValueKind.String && DateTime.TryParse(el.GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
            if (!ok)
            {
                throw Fail(path, $"expected {type.Name}, got {el.ValueKind} {el}");
            }

            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("ExpandableField", StringComparison.Ordinal))
        {
            if (el.ValueKind == JsonValueKind.String)
            {
                return;
            }

            Walk(el, type.GetGenericArguments()[0], path);
            return;
        }
        if (typeof(IDictionary).IsAssignableFrom(type) && type.IsGenericType)
        {
            if (el.ValueKind != JsonValueKind.Object)
            {
                throw Fail(path, $"expected object for dictionary, got {el.ValueKind}");
            }

            var valueType = type.GetGenericArguments()[1];
            foreach (var p in el.EnumerateObject())
            {
                Walk(p.Value, valueType, $"{path}.{p.Name}");
            }

            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            if (el.ValueKind != JsonValueKind.Array)
            {
                throw Fail(path, $"expected array, got {el.ValueKind}");
            }

            var itemType = type.GetGenericArguments()[0];
            var i = 0;
            foreach (var item in el.EnumerateArray())
            {
                Walk(item, itemType, $"{path}[{i++}]");
            }

            return;
        }
        if (el.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, $"expected object for {type.Name}, got {el.ValueKind}");
        }

        if (type.IsInterface || type.IsAbstract)
        {
            var concrete = TypeOf(el, path);
            if (concrete is null || !type.IsAssignableFrom(concrete))
            {
                throw Fail(path, $"object '{(el.TryGetProperty("object", out var o) ? o.ToString() : "?")}' is not a {type.Name}");
            }

            type = concrete;
        }
        if (ObjectNames.TryGetValue(type, out var expected) && el.TryGetProperty("object", out var objectName)
            && objectName.GetString() != expected)
        {
            throw Fail(path, $"object is '{objectName}', {type.Name} expects '{expected}'");
        }

        foreach (var prop in type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            var name = prop.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null || !el.TryGetProperty(name, out var value))
            {
                continue;
            }

            if (!checkItems && name == "data")
            {
                continue;
            }

            Walk(value, prop.PropertyType, $"{path}.{name}");
        }
    }

    private static StrictParseException Fail(string path, string message) => new(path, message);
}

public sealed class StrictParseException(string path, string message) : Exception($"Strict parse failed at {path}: {message}");
