using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Billing.Api;

/// <summary>Shared plumbing of billing handlers: engine lookup, error mapping, id resolution for expand.</summary>
internal static class BillingEndpoints
{
    /// <summary>Wraps a handler: engine of the request's account, base URL for invoice links, errors in Stripe's shape.</summary>
    public static ApiHandler Handler(Func<ApiRequest, BillingEngine, ApiResult> handler, bool catchUp = true) => req =>
    {
        var engine = BillingModule.Engine(req.Acct);
        ((AccountBillingHost)engine.Host).LastBaseUrl = req.BaseUrl;
        try
        {
            if (catchUp) engine.CatchUpRealTime();
            return handler(req, engine);
        }
        catch (BillingException e)
        {
            throw ToStripe(e);
        }
    };

    public static StripeError ToStripe(BillingException e) =>
        new(e.Status, e.Type, e.Message, e.Code, e.Param) { DeclineCode = e.DeclineCode, ShouldRetry = e.ShouldRetry };

    public static JsonObject? Resolve(Account account, string id)
    {
        var engine = BillingModule.Engine(account);
        if (id.StartsWith("sub_", StringComparison.Ordinal) && engine.Subscriptions.TryGetValue(id, out var sub)) return engine.Json.Subscription(sub);
        if (id.StartsWith("in_", StringComparison.Ordinal) && engine.Invoices.TryGetValue(id, out var inv)) return engine.Json.Invoice(inv);
        if (id.StartsWith("mtr_", StringComparison.Ordinal) && engine.Meters.TryGetValue(id, out var m)) return engine.Json.Meter(m);
        if (id.StartsWith("clock_", StringComparison.Ordinal) && engine.Clocks.TryGetValue(id, out var c)) return engine.Json.Clock(c);
        if (id.StartsWith("di_", StringComparison.Ordinal))
        {
            foreach (var s in engine.Subscriptions.Values)
                foreach (var d in s.Discounts)
                    if (d.Id == id) return engine.Json.Discount(d);
        }
        return null;
    }

    /// <summary>
    /// <c>req.Ok</c> plus <c>expand[]=discounts</c> (an array of discount ids, which the core's
    /// expander does not walk): the discounts are inlined here, the other paths go to the core.
    /// </summary>
    public static ApiResult OkWithDiscounts(ApiRequest req, BillingEngine engine, JsonObject obj)
    {
        if (!req.Expand.Contains("discounts")) return req.Ok(obj);
        if (obj["discounts"] is JsonArray ids)
        {
            var expanded = ids.Select(id => (JsonNode?)(Json.IdOf(id) is { } d ? Resolve(req.Acct, d) ?? (JsonNode)d : null)).ToArray();
            obj["discounts"] = new JsonArray(expanded);
        }
        return new ObjectResult(obj, req.Account, [.. req.Expand.Where(e => e != "discounts")]);
    }

    public static Dictionary<string, string>? Metadata(Params p, string key = "metadata")
    {
        if (!p.Has(key)) return null;
        return p.Map(key).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    public static JsonObject DeletedStub(string id, string objectType) =>
        new() { ["id"] = id, ["object"] = objectType, ["deleted"] = true };
}
