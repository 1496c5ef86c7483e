using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using Newtonsoft.Json;
using STJS = System.Text.Json.Serialization;

namespace Tally.StripeEmulator.Tests.Support;

/// <summary>
/// What a Stripe.net options type puts on the wire, by reflection over its <c>[JsonProperty]</c> /
/// <c>[JsonPropertyName]</c> names, in the emulator's <c>parameters.json</c> format: <c>1</c> a scalar;
/// otherwise <c>{"s":1?,"p":{known keys},"i":array item,"m":hash value}</c>.
/// </summary>
public static class OptionsSchema
{
    public static JsonNode Of(Type type) => Node(type, []);

    /// <summary>The JSON names of a Stripe.net type's serialised properties (options and entities alike).</summary>
    public static IEnumerable<(string Name, PropertyInfo Property)> JsonProperties(Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName
                ?? property.GetCustomAttribute<STJS.JsonPropertyNameAttribute>()?.Name;
            if (name is not null && property.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            {
                yield return (name, property);
            }
        }
    }

    private static JsonNode Node(Type type, HashSet<Type> path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return 1;
        }

        if (type.IsGenericType && type.Name.StartsWith("AnyOf", StringComparison.Ordinal))
        {
            var union = new JsonObject();
            foreach (var arg in type.GetGenericArguments())
            {
                Merge(union, Node(arg, path));
            }

            return union;
        }

        if (Interface(type, typeof(IDictionary<,>)) is { } dict)
        {
            return new JsonObject { ["m"] = Node(dict.GetGenericArguments()[1], path) };
        }

        if (typeof(IEnumerable).IsAssignableFrom(type) && Interface(type, typeof(IEnumerable<>)) is { } list)
        {
            return new JsonObject { ["i"] = Node(list.GetGenericArguments()[0], path) };
        }

        if (!path.Add(type))
        {
            throw new InvalidOperationException($"recursive options type {type}");
        }

        var props = new JsonObject();
        foreach (var (name, property) in JsonProperties(type).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            props[name] = Node(property.PropertyType, path);
        }

        path.Remove(type);
        return new JsonObject { ["p"] = props };
    }

    private static void Merge(JsonObject union, JsonNode part)
    {
        if (part is not JsonObject o)
        {
            union["s"] = 1;
            return;
        }

        foreach (var (k, v) in o)
        {
            if (k == "p" && union["p"] is JsonObject existing)
            {
                foreach (var (pk, pv) in v!.AsObject())
                {
                    existing[pk] ??= pv!.DeepClone();
                }
            }
            else
            {
                union[k] ??= v!.DeepClone();
            }
        }
    }

    private static Type? Interface(Type type, Type generic) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == generic
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);
}
