using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// One account's objects, by Stripe <c>object</c> type, in creation order. Not thread-safe:
/// every access happens under <see cref="Account.Sync"/>.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Dictionary<string, Collection> collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> byId = new(StringComparer.Ordinal);

    public Collection this[string objectType]
    {
        get
        {
            if (!collections.TryGetValue(objectType, out var c))
            {
                collections[objectType] = c = new Collection(objectType, byId);
            }

            return c;
        }
    }

    public IEnumerable<Collection> Collections => collections.Values;

    /// <summary>Any stored object by id, whatever its type (used by expand).</summary>
    public JsonObject? Find(string id) => byId.GetValueOrDefault(id);
}

/// <summary>Objects of one type, oldest first; lists read it backwards (newest first, as Stripe does).</summary>
internal sealed class Collection
{
    private readonly List<JsonObject> items = [];
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> byId;

    internal Collection(string objectType, Dictionary<string, JsonObject> byId)
    {
        ObjectType = objectType;
        this.byId = byId;
    }

    public string ObjectType { get; }

    public int Count => items.Count;

    public IReadOnlyList<JsonObject> All => items;

    public JsonObject Add(JsonObject obj)
    {
        var id = (string?)obj["id"] ?? throw new ArgumentException("object has no id", nameof(obj));
        if (index.ContainsKey(id))
        {
            throw new InvalidOperationException($"duplicate id {id}");
        }

        index[id] = items.Count;
        items.Add(obj);
        byId[id] = obj;
        return obj;
    }

    public JsonObject? Get(string? id) =>
        id is not null && index.TryGetValue(id, out var i) ? items[i] : null;

    /// <summary>Swaps the stored object (e.g. for a <c>deleted:true</c> stub), keeping its list position.</summary>
    public void Replace(string id, JsonObject obj)
    {
        var i = index[id];
        items[i] = obj;
        byId[id] = obj;
    }

    /// <summary>Undoes the latest <see cref="Add"/> (for a create that fails validation after storing).</summary>
    public void RemoveLast(string id)
    {
        if (items.Count == 0 || (string?)items[^1]["id"] != id)
        {
            throw new InvalidOperationException($"{id} is not the latest object");
        }

        items.RemoveAt(items.Count - 1);
        index.Remove(id);
        byId.Remove(id);
    }

    internal int IndexOf(string id) => index.TryGetValue(id, out var i) ? i : -1;

    /// <summary>
    /// A page newest first. <paramref name="startingAfter"/> pages to older objects,
    /// <paramref name="endingBefore"/> to newer ones. Deleted stubs are skipped.
    /// </summary>
    public (List<JsonObject> Page, bool HasMore) Page(int limit, string? startingAfter, string? endingBefore, Func<JsonObject, bool>? filter)
    {
        bool Keep(JsonObject o) => o["deleted"] is null && (filter is null || filter(o));
        var page = new List<JsonObject>(Math.Min(limit, 100));
        if (endingBefore is not null)
        {
            var from = CursorIndex(endingBefore, "ending_before");
            var hasMore = false;
            for (var i = from + 1; i < items.Count; i++)
            {
                if (!Keep(items[i]))
                {
                    continue;
                }

                if (page.Count == limit)
                { hasMore = true; break; }
                page.Add(items[i]);
            }
            page.Reverse();
            return (page, hasMore);
        }
        var start = startingAfter is null ? items.Count - 1 : CursorIndex(startingAfter, "starting_after") - 1;
        for (var i = start; i >= 0; i--)
        {
            if (!Keep(items[i]))
            {
                continue;
            }

            if (page.Count == limit)
            {
                return (page, true);
            }

            page.Add(items[i]);
        }
        return (page, false);
    }

    private int CursorIndex(string id, string param)
    {
        var i = IndexOf(id);
        if (i < 0)
        {
            throw StripeError.Invalid($"No such {ObjectType.Replace('_', ' ')}: '{id}'", param, "resource_missing");
        }

        return i;
    }
}
