using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

internal static class Lists
{
    /// <summary>
    /// A list response over <paramref name="collection"/> with Stripe's <c>limit</c> (1–100, default 10),
    /// <c>starting_after</c> and <c>ending_before</c>, newest first.
    /// </summary>
    public static ListResult Page(ApiRequest req, Collection collection, string url, Func<JsonObject, bool>? filter = null)
    {
        var limit = Limit(req.Params);
        var (page, hasMore) = collection.Page(limit, req.Params.Text("starting_after"), req.Params.Text("ending_before"), filter);
        return new ListResult(page, hasMore, url, req.Account, req.Expand);
    }

    /// <summary>A list response over an already-built sequence (newest first), paged by id.</summary>
    public static ListResult Page(ApiRequest req, IReadOnlyList<JsonObject> newestFirst, string url)
    {
        var limit = Limit(req.Params);
        var after = req.Params.Text("starting_after");
        var before = req.Params.Text("ending_before");
        int IndexOf(string id, string param)
        {
            for (var i = 0; i < newestFirst.Count; i++)
            {
                if ((string?)newestFirst[i]["id"] == id)
                {
                    return i;
                }
            }

            throw StripeError.Invalid($"No such object: '{id}'", param, "resource_missing");
        }
        if (before is not null)
        {
            var end = IndexOf(before, "ending_before");
            var start = Math.Max(0, end - limit);
            return new ListResult(newestFirst.Skip(start).Take(end - start).ToList(), start > 0, url, req.Account, req.Expand);
        }
        var from = after is null ? 0 : IndexOf(after, "starting_after") + 1;
        var slice = newestFirst.Skip(from).Take(limit).ToList();
        return new ListResult(slice, from + limit < newestFirst.Count, url, req.Account, req.Expand);
    }

    public static int Limit(Params p)
    {
        if (p.Has("starting_after") && p.Has("ending_before"))
        {
            throw StripeError.Invalid("You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
        }


        var limit = p.Long("limit") ?? 10;
        if (limit is < 1 or > 100)
        {
            throw StripeError.Invalid("This value must be greater than or equal to 1 and less than or equal to 100.", "limit");
        }

        return (int)limit;
    }

    /// <summary>Filter on <c>created</c> given as <c>created=ts</c> or <c>created[gt|gte|lt|lte]=ts</c>.</summary>
    public static Func<JsonObject, bool> Created(Params p, string key = "created")
    {
        var range = p.Obj(key);
        var exact = range is null ? p.Long(key) : null;
        if (exact is null && range is null)
        {
            return static _ => true;
        }

        var gt = range?.Long("gt");
        var gte = range?.Long("gte");
        var lt = range?.Long("lt");
        var lte = range?.Long("lte");
        return o =>
        {
            var c = Json.Long(o, key) ?? 0;
            return (exact is null || c == exact) && (gt is null || c > gt) && (gte is null || c >= gte)
                && (lt is null || c < lt) && (lte is null || c <= lte);
        };
    }
}
