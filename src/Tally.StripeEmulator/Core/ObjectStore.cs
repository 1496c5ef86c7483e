using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// One account's objects, by Stripe <c>object</c> type, in creation order. Not thread-safe:
/// every access happens under <see cref="Account.Sync"/>.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Dictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.Ordinal);

    public Collection this[string objectType]
    {
        get
        {
            if (!_collections.TryGetValue(objectType, out var c))
                _collections[objectType] = c = new Collection(objectType, _byId);
            return c;
        }
    }

    public IEnumerable<Collection> Collections => _collections.Values;

    /// <summary>Any stored object by id, whatever its type (used by expand).</summary>
    public JsonObject? Find(string id) => _byId.GetValueOrDefault(id);
}

/// <summary>Objects of one type, oldest first; lists read it backwards (newest first, as Stripe does).</summary>
internal sealed class Collection
{
    private readonly List<JsonObject> _items = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _byId;

    internal Collection(string objectType, Dictionary<string, JsonObject> byId)
    {
        ObjectType = objectType;
        _byId = byId;
    }

    public string ObjectType { get; }

    public int Count => _items.Count;

    public IReadOnlyList<JsonObject> All => _items;

    public JsonObject Add(JsonObject obj)
    {
        var id = (string?)obj["id"] ?? throw new ArgumentException("object has no id", nameof(obj));
        if (_index.ContainsKey(id)) throw new InvalidOperationException($"duplicate id {id}");
        _index[id] = _items.Count;
        _items.Add(obj);
        _byId[id] = obj;
        return obj;
    }

    public JsonObject? Get(string? id) =>
        id is not null && _index.TryGetValue(id, out var i) ? _items[i] : null;

    /// <summary>Swaps the stored object (e.g. for a <c>deleted:true</c> stub), keeping its list position.</summary>
    public void Replace(string id, JsonObject obj)
    {
        var i = _index[id];
        _items[i] = obj;
        _byId[id] = obj;
    }

    /// <summary>Undoes the latest <see cref="Add"/> (for a create that fails validation after storing).</summary>
    public void RemoveLast(string id)
    {
        if (_items.Count == 0 || (string?)_items[^1]["id"] != id) throw new InvalidOperationException($"{id} is not the latest object");
        _items.RemoveAt(_items.Count - 1);
        _index.Remove(id);
        _byId.Remove(id);
    }

    internal int IndexOf(string id) => _index.TryGetValue(id, out var i) ? i : -1;

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
            for (var i = from + 1; i < _items.Count; i++)
            {
                if (!Keep(_items[i])) continue;
                if (page.Count == limit) { hasMore = true; break; }
                page.Add(_items[i]);
            }
            page.Reverse();
            return (page, hasMore);
        }
        var start = startingAfter is null ? _items.Count - 1 : CursorIndex(startingAfter, "starting_after") - 1;
        for (var i = start; i >= 0; i--)
        {
            if (!Keep(_items[i])) continue;
            if (page.Count == limit) return (page, true);
            page.Add(_items[i]);
        }
        return (page, false);
    }

    private int CursorIndex(string id, string param)
    {
        var i = IndexOf(id);
        if (i < 0) throw StripeError.Invalid($"No such {ObjectType.Replace('_', ' ')}: '{id}'", param, "resource_missing");
        return i;
    }
}
