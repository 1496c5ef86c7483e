using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// A request parameter tree: a leaf string or an ordered map of children. Form bodies
/// (<c>items[0][price]=x</c>, <c>expand[]=a</c>) and v2 JSON bodies both become this tree, so
/// handlers read parameters the same way whatever the encoding.
/// </summary>
internal sealed class ParamNode
{
    private List<KeyValuePair<string, ParamNode>>? children;

    public string? Value { get; private set; }

    public bool IsLeaf => children is null;

    public IReadOnlyList<KeyValuePair<string, ParamNode>> Children =>
        (IReadOnlyList<KeyValuePair<string, ParamNode>>?)children ?? [];

    public ParamNode? Get(string key)
    {
        if (children is null)
        {
            return null;
        }

        foreach (var kv in children)
        {
            if (kv.Key == key)
            {
                return kv.Value;
            }
        }

        return null;
    }

    private ParamNode GetOrAdd(string key)
    {
        if (children is null)
        {
            children = [];
            Value = null;
        }
        if (key.Length == 0)
        {
            key = children.Count.ToString(CultureInfo.InvariantCulture);
        }

        var found = Get(key);
        if (found is not null)
        {
            return found;
        }

        var node = new ParamNode();
        children.Add(new(key, node));
        return node;
    }

    /// <summary>Sets (or replaces) a child; JSON body keys win over query keys of the same name.</summary>
    internal void Attach(string key, ParamNode child)
    {
        children ??= [];
        Value = null;
        children.RemoveAll(kv => kv.Key == key);
        children.Add(new(key, child));
    }

    public static ParamNode ParseForm(string? form)
    {
        var root = new ParamNode { children = [] };
        if (string.IsNullOrEmpty(form))
        {
            return root;
        }

        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var rawKey = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? "" : pair[(eq + 1)..];
            var key = WebUtility.UrlDecode(rawKey);
            var value = WebUtility.UrlDecode(rawValue);
            var node = root;
            foreach (var segment in SplitKey(key))
            {
                node = node.GetOrAdd(segment);
            }

            if (node.children is null)
            {
                node.Value = value;
            }
        }
        return root;
    }

    // "a[b][0][c]" => a, b, 0, c; "expand[]" => expand, "".
    private static IEnumerable<string> SplitKey(string key)
    {
        var open = key.IndexOf('[');
        if (open < 0)
        {
            yield return key;
            yield break;
        }
        yield return key[..open];
        var i = open;
        while (i < key.Length && key[i] == '[')
        {
            var close = key.IndexOf(']', i);
            if (close < 0)
            {
                yield return key[(i + 1)..];
                yield break;
            }
            yield return key[(i + 1)..close];
            i = close + 1;
        }
    }

    public static ParamNode FromJson(JsonNode? json)
    {
        var node = new ParamNode();
        switch (json)
        {
            case JsonObject obj:
                node.children = [];
                foreach (var (k, v) in obj)
                {
                    node.children.Add(new(k, FromJson(v)));
                }

                break;
            case JsonArray arr:
                node.children = [];
                for (var i = 0; i < arr.Count; i++)
                {
                    node.children.Add(new(i.ToString(CultureInfo.InvariantCulture), FromJson(arr[i])));
                }

                break;
            case JsonValue val:
                node.Value = val.GetValueKind() switch
                {
                    JsonValueKind.String => val.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => val.ToJsonString(),
                };
                break;
            default:
                node.Value = "";
                break;
        }
        return node;
    }

    /// <summary>A canonical text of the tree, used to compare idempotent requests.</summary>
    public string Fingerprint()
    {
        if (children is null)
        {
            return "=" + Value;
        }

        var parts = children.Select(kv => kv.Key + "{" + kv.Value.Fingerprint() + "}").Order(StringComparer.Ordinal);
        return string.Join(",", parts);
    }

    public JsonNode ToJson()
    {
        if (children is null)
        {
            return JsonValue.Create(Value ?? "");
        }

        var obj = new JsonObject();
        foreach (var (k, v) in children)
        {
            obj[k] = v.ToJson();
        }

        return obj;
    }
}
