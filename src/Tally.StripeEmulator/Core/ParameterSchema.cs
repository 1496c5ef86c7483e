using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// The parameters each endpoint accepts, as Stripe.net 53.1.0's options types serialise them
/// (<c>parameters.json</c>, generated and checked by <c>ParameterSchemaTests</c> from the SDK by reflection).
/// Anything else is refused like Stripe does: 400 <c>parameter_unknown</c>, "Received unknown parameter: items[0][foo]".
/// </summary>
internal sealed class ParameterSchema
{
    private static readonly Lazy<ParameterSchema> Embedded = new(Load);

    private readonly Dictionary<string, Spec?> routes = new(StringComparer.Ordinal);

    /// <summary>
    /// What one parameter may be. In the file: <c>1</c> is a scalar; otherwise an object with
    /// <c>s</c> (a scalar is also fine), <c>p</c> (a hash of known keys), <c>i</c> (an array of) or <c>m</c> (a hash of any keys, e.g. metadata).
    /// </summary>
    internal sealed class Spec
    {
        public bool Scalar { get; init; }
        public Dictionary<string, Spec>? Props { get; init; }
        public Spec? Items { get; init; }
        public Spec? Values { get; init; }
    }

    /// <summary>The schema shipped with the emulator (parsed once per process).</summary>
    public static ParameterSchema Shared => Embedded.Value;

    public static ParameterSchema Load()
    {
        using var stream = typeof(ParameterSchema).Assembly.GetManifestResourceStream("Tally.StripeEmulator.parameters.json")
            ?? throw new InvalidOperationException("parameters.json is not embedded");
        return FromJson(JsonNode.Parse(stream)!.AsObject());
    }

    internal static ParameterSchema FromJson(JsonObject json)
    {
        var schema = new ParameterSchema();
        foreach (var (route, spec) in json)
        {
            schema.routes[route] = spec is null ? null : Read(spec);
        }

        return schema;
    }

    /// <summary>Route keys listed (a null entry is a route that is not part of the API, e.g. a public page: not checked).</summary>
    public IReadOnlyCollection<string> Routes => routes.Keys;

    private static Spec Read(JsonNode node)
    {
        if (node is not JsonObject o)
        {
            return new Spec { Scalar = true };
        }

        return new Spec
        {
            Scalar = o["s"] is not null,
            Props = o["p"] is JsonObject p ? p.ToDictionary(kv => kv.Key, kv => Read(kv.Value!), StringComparer.Ordinal) : null,
            Items = o["i"] is { } i ? Read(i) : null,
            Values = o["m"] is { } m ? Read(m) : null,
        };
    }

    /// <summary>Throws Stripe's 400 for the first parameter the route does not accept.</summary>
    public void Validate(string routeKey, ParamNode parameters)
    {
        if (routes.TryGetValue(routeKey, out var spec) && spec is not null)
        {
            Check(parameters, spec, "");
        }
    }

    private static void Check(ParamNode node, Spec spec, string name)
    {
        if (node.IsLeaf)
        {
            if (spec.Scalar || node.Value is null or "")
            {
                return;   // "key=" clears a hash or an array
            }

            throw StripeError.Invalid(spec.Items is not null ? "Invalid array" : "Invalid hash", name);
        }

        if (spec.Props is { } props)
        {
            foreach (var (key, child) in node.Children)
            {
                var childName = name.Length == 0 ? key : $"{name}[{key}]";
                if (!props.TryGetValue(key, out var childSpec))
                {
                    throw new StripeError(400, "invalid_request_error", $"Received unknown parameter: {childName}", "parameter_unknown", childName);
                }

                Check(child, childSpec, childName);
            }
        }
        else if (spec.Items is { } items)
        {
            foreach (var (key, child) in node.Children)
            {
                if (!int.TryParse(key, out _))
                {
                    throw StripeError.Invalid("Invalid array", name);
                }

                Check(child, items, $"{name}[{key}]");
            }
        }
        else if (spec.Values is { } values)
        {
            foreach (var (key, child) in node.Children)
            {
                Check(child, values, $"{name}[{key}]");
            }
        }
        else
        {
            throw StripeError.Invalid("Invalid string: {...}", name);
        }
    }
}
