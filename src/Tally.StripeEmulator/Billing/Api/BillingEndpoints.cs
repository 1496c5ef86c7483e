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
            if (catchUp)
            {
                engine.CatchUpRealTime();
            }

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
        if (id.StartsWith("sub_", StringComparison.Ordinal) && engine.Subscriptions.TryGetValue(id, out var sub))
        {
            return engine.Json.Subscription(sub);
        }

        if (id.StartsWith("in_", StringComparison.Ordinal) && engine.Invoices.TryGetValue(id, out var inv))
        {
            return engine.Json.Invoice(inv);
        }

        if (id.StartsWith("mtr_", StringComparison.Ordinal) && engine.Meters.TryGetValue(id, out var m))
        {
            return engine.Json.Meter(m);
        }

        if (id.StartsWith("clock_", StringComparison.Ordinal) && engine.Clocks.TryGetValue(id, out var c))
        {
            return engine.Json.Clock(c);
        }

        if (id.StartsWith("di_", StringComparison.Ordinal))
        {
            foreach (var s in engine.Subscriptions.Values)
            {
                foreach (var d in s.Discounts)
                {
                    if (d.Id == id)
                    {
                        return engine.Json.Discount(d);
                    }
                }
            }
        }
        return null;
    }

    /// <summary>The discounts behind an object's <c>discounts</c> id array (for <c>expand[]=discounts</c>).</summary>
    public static JsonNode ExpandDiscounts(Account account, JsonObject obj) =>
        new JsonArray([.. (obj["discounts"] as JsonArray ?? []).Select(id =>
            (JsonNode?)(Json.IdOf(id) is { } d ? Resolve(account, d) ?? (JsonNode)d : null))]);

    /// <summary><c>customer.subscriptions</c> (includable): the customer's subscriptions that have not ended.</summary>
    public static JsonNode CustomerSubscriptions(Account account, JsonObject customer)
    {
        var engine = BillingModule.Engine(account);
        var id = Json.Str(customer, "id") ?? "";
        var subs = engine.ListSubscriptions(id, null, null, null).Select(s => (JsonNode?)engine.Json.Subscription(s)).ToArray();
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(subs),
            ["has_more"] = false,
            ["total_count"] = subs.Length,
            ["url"] = $"/v1/customers/{id}/subscriptions",
        };
    }

    public static Dictionary<string, string>? Metadata(Params p, string key = "metadata")
    {
        if (!p.Has(key))
        {
            return null;
        }

        return p.Map(key).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    public static JsonObject DeletedStub(string id, string objectType) =>
        new() { ["id"] = id, ["object"] = objectType, ["deleted"] = true };
}
