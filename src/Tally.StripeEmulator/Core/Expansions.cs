using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// Which fields of which object types may be expanded (<c>expand[]=invoice_settings.default_payment_method</c>),
/// and how. Dotted paths up to four levels; <c>lines.data.x</c> walks into embedded lists. Anything
/// unregistered gives Stripe's 400 "This property cannot be expanded".
/// </summary>
internal sealed class Expansions
{
    private readonly ConcurrentDictionary<string, HashSet<string>> fields = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="fieldPath"/> (dotted, relative to the object) as expandable on <paramref name="objectType"/>.</summary>
    public void Register(string objectType, string fieldPath) =>
        fields.AddOrUpdate(objectType, _ => [fieldPath], (_, set) => { lock (set) { set.Add(fieldPath); } return set; });

    private readonly ConcurrentDictionary<string, string[]> includable = new(StringComparer.Ordinal);

    /// <summary>
    /// Marks a top-level field as "includable": kept in the store but only returned when the request
    /// expands it (<c>price.tiers</c>, <c>customer.subscriptions</c>).
    /// </summary>
    public void RegisterIncludable(string objectType, string field) =>
        includable.AddOrUpdate(objectType, _ => [field], (_, old) => [.. old, field]);

    private readonly ConcurrentDictionary<(string Type, string Field), Func<Account, JsonObject, JsonNode?>> computed = new();

    /// <summary>
    /// An includable field computed on demand (e.g. <c>customer.subscriptions</c> as a list built from
    /// the account's subscriptions): returned only when the request expands it.
    /// </summary>
    public void RegisterComputed(string objectType, string field, Func<Account, JsonObject, JsonNode?> compute) =>
        computed[(objectType, field)] = compute;

    /// <summary>
    /// The wire form of a stored object for a request: the object itself when nothing changes,
    /// else a copy with includable fields dropped and <paramref name="paths"/> expanded.
    /// </summary>
    public JsonObject Render(Account? account, JsonObject obj, IReadOnlyList<string> paths)
    {
        var type = (string?)obj["object"];
        var hidden = type is not null && includable.TryGetValue(type, out var inc)
            ? inc.Where(f => obj.ContainsKey(f) && !paths.Contains(f)).ToList()
            : null;
        if ((hidden is null || hidden.Count == 0) && (paths.Count == 0 || account is null))
        {
            return obj;
        }

        var copy = obj.DeepClone().AsObject();
        if (hidden is not null)
        {
            foreach (var f in hidden)
            {
                copy.Remove(f);
            }
        }

        if (account is not null && type is not null)
        {
            foreach (var path in paths)
            {
                var field = path.Split('.')[0];
                if (computed.TryGetValue((type, field), out var compute))
                {
                    copy[field] = compute(account, obj);
                }
            }
        }
        if (account is not null && paths.Count > 0)
        {
            Apply(account, copy, paths.Where(p => hidden is null || !IsIncludable(type, p)).ToList());
        }

        return copy;
    }

    private bool IsIncludable(string? type, string path) =>
        type is not null && ((includable.TryGetValue(type, out var inc) && inc.Contains(path)) || computed.ContainsKey((type, path)));

    /// <summary>Resolves an id to an object for expansion; by default any stored object with that id.</summary>
    public Func<Account, string, JsonObject?> Resolve { get; set; } = static (account, id) => account.Store.Find(id);

    public void Apply(Account account, JsonObject root, IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
        {
            var segments = path.Split('.');
            if (segments.Length > 4)
            {
                throw StripeError.Invalid($"You cannot expand more than 4 levels of a property. Property: {path}", "expand");
            }

            Expand(account, root, segments, 0, path);
        }
    }

    private void Expand(Account account, JsonNode? node, string[] segs, int i, string path)
    {
        if (i >= segs.Length || node is not JsonObject obj)
        {
            return;
        }

        var type = (string?)obj["object"];
        if (type == "list" && segs[i] == "data")
        {
            if (obj["data"] is JsonArray items)
            {
                foreach (var item in items)
                {
                    Expand(account, item, segs, i + 1, path);
                }
            }

            return;
        }
        if (i == segs.Length - 1 && IsIncludable(type, segs[i]))
        {
            return;
        }

        if (type is not null && this.fields.TryGetValue(type, out var fields))
        {
            for (var k = segs.Length - i; k >= 1; k--)
            {
                var field = string.Join('.', segs, i, k);
                bool known;
                lock (fields)
                {
                    known = fields.Contains(field);
                }

                if (!known)
                {
                    continue;
                }

                var parent = obj;
                for (var j = i; j < i + k - 1; j++)
                {
                    if (parent[segs[j]] is not JsonObject next)
                    {
                        return;
                    }

                    parent = next;
                }
                var leaf = segs[i + k - 1];
                if (parent[leaf] is JsonValue v && v.TryGetValue<string>(out var id))
                {
                    var target = Resolve(account, id);
                    if (target is not null)
                    {
                        parent[leaf] = target.DeepClone();
                    }
                }
                Expand(account, parent[leaf], segs, i + k, path);
                return;
            }
        }
        if (obj[segs[i]] is JsonObject child && (string?)child["object"] == "list")
        {
            Expand(account, child, segs, i + 1, path);
            return;
        }
        // A computed array of objects (subscription.discounts): expand inside each element.
        if (i < segs.Length - 1 && obj[segs[i]] is JsonArray array && IsIncludable(type, segs[i]))
        {
            foreach (var element in array)
            {
                Expand(account, element, segs, i + 1, path);
            }

            return;
        }
        throw StripeError.Invalid($"This property cannot be expanded ({path}).", "expand");
    }
}
