using System.Globalization;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// Typed access to a <see cref="ParamNode"/> with Stripe's parameter names in errors
/// (<c>invoice_settings[default_payment_method]</c>). An empty value (<c>key=</c>) means "clear".
/// </summary>
internal sealed class Params(ParamNode node, string prefix = "")
{
    public ParamNode Node => node;

    public string Name(string key) => prefix.Length == 0 ? key : $"{prefix}[{key}]";

    public bool Has(string key) => node.Get(key) is not null;

    /// <summary>True when the key was sent with an empty value: Stripe's way to unset a field.</summary>
    public bool IsCleared(string key) => node.Get(key) is { IsLeaf: true, Value: "" };

    public string? Str(string key)
    {
        var child = node.Get(key);
        if (child is null)
        {
            return null;
        }

        if (!child.IsLeaf)
        {
            throw StripeError.Invalid($"Invalid string: {{...}}", Name(key));
        }

        return child.Value;
    }

    /// <summary>A non-empty string or null (absent or cleared).</summary>
    public string? Text(string key) => Str(key) is { Length: > 0 } s ? s : null;

    public string Required(string key) =>
        Text(key) ?? throw StripeError.Missing(Name(key));

    public long? Long(string key)
    {
        var s = Text(key);
        if (s is null)
        {
            return null;
        }

        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw StripeError.Invalid($"Invalid integer: {s}", Name(key));
    }

    public decimal? Decimal(string key)
    {
        var s = Text(key);
        if (s is null)
        {
            return null;
        }

        return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw StripeError.Invalid($"Invalid decimal: {s}", Name(key));
    }

    public bool? Bool(string key)
    {
        var s = Text(key);
        return s switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw StripeError.Invalid($"Invalid boolean: {s}", Name(key)),
        };
    }

    /// <summary>Unix seconds (or "now"), as Stripe accepts timestamps.</summary>
    public DateTimeOffset? Timestamp(string key, DateTimeOffset now)
    {
        var s = Text(key);
        if (s is null)
        {
            return null;
        }

        if (s == "now")
        {
            return now;
        }

        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? DateTimeOffset.FromUnixTimeSeconds(v)
            : DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
                ? d
                : throw StripeError.Invalid($"Invalid timestamp: {s}", Name(key));
    }

    public string OneOf(string key, string? defaultValue, params string[] allowed)
    {
        var s = Text(key);
        if (s is null)
        {
            return defaultValue ?? throw StripeError.Missing(Name(key));
        }

        if (!allowed.Contains(s))
        {
            throw StripeError.Invalid($"Invalid {key}: must be one of {string.Join(", ", allowed)}", Name(key));
        }

        return s;
    }

    public Params? Obj(string key)
    {
        var child = node.Get(key);
        if (child is null || child.IsLeaf)
        {
            return null;
        }

        return new Params(child, Name(key));
    }

    /// <summary>An indexed list (<c>items[0][price]</c>) or a bracket list (<c>items[][price]</c>), in index order.</summary>
    public IReadOnlyList<Params> List(string key)
    {
        var child = node.Get(key);
        if (child is null || child.IsLeaf)
        {
            return [];
        }

        return child.Children
            .OrderBy(kv => int.TryParse(kv.Key, out var i) ? i : int.MaxValue)
            .Select(kv => new Params(kv.Value, $"{Name(key)}[{kv.Key}]"))
            .ToList();
    }

    public IReadOnlyList<string> Strings(string key)
    {
        var child = node.Get(key);
        if (child is null)
        {
            return [];
        }

        if (child.IsLeaf)
        {
            return child.Value is { Length: > 0 } v ? [v] : [];
        }

        return child.Children
            .OrderBy(kv => int.TryParse(kv.Key, out var i) ? i : int.MaxValue)
            .Select(kv => kv.Value.Value ?? "")
            .Where(s => s.Length > 0)
            .ToList();
    }

    public IReadOnlyList<KeyValuePair<string, string>> Map(string key)
    {
        var child = node.Get(key);
        if (child is null || child.IsLeaf)
        {
            return [];
        }

        return child.Children.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.Value ?? "")).ToList();
    }
}
