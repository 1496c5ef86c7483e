using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary>
/// <c>/v1/prices</c>: one-time and recurring (licensed or metered: metered needs an active
/// <c>recurring[meter]</c>), per-unit or tiered. Amounts and terms are immutable after create.
/// </summary>
internal static partial class Prices
{
    private static readonly string[] Mutable = ["active", "metadata", "nickname", "lookup_key", "transfer_lookup_key", "tax_behavior", "expand", "currency_options"];

    public static void Map(RouteTable routes)
    {
        routes.Post("/v1/prices", Create);
        routes.Get("/v1/prices", List);
        routes.Get("/v1/prices/{id}", Get);
        routes.Post("/v1/prices/{id}", Update);
    }

    private static ApiResult Create(ApiRequest req)
    {
        var p = req.Params;
        var account = req.Acct;
        _ = p.Required("currency");
        string productId;
        if (p.Text("product") is { } pid)
        {
            productId = (string)Products.Find(account, pid, "product")["id"]!;
        }
        else if (p.Obj("product_data") is { } data)
        {
            productId = (string)Products.New(account, data)["id"]!;
        }
        else
        {
            throw StripeError.Missing("product");
        }

        return req.Ok(New(account, p, productId));
    }

    /// <summary>Validates and stores a price (also used by <c>default_price_data</c> on products).</summary>
    public static JsonObject New(Account account, Params p, string productId)
    {
        var currency = p.Required("currency").ToLowerInvariant();
        if (currency.Length != 3)
        {
            throw StripeError.Invalid($"Invalid currency: {currency}.", p.Name("currency"));
        }

        var scheme = p.OneOf("billing_scheme", "per_unit", "per_unit", "tiered");
        var unitAmount = p.Long("unit_amount");
        var unitDecimal = p.Decimal("unit_amount_decimal");
        if (unitAmount is not null && unitDecimal is not null)
        {
            throw StripeError.Invalid("You may only specify one of these parameters: unit_amount, unit_amount_decimal.", p.Name("unit_amount_decimal"));
        }

        if (unitAmount is < 0 || unitDecimal is < 0)
        {
            throw StripeError.Invalid("Invalid unit_amount: must be at least 0.", p.Name("unit_amount"));
        }

        JsonArray? tiers = null;
        string? tiersMode = null;
        if (scheme == "tiered")
        {
            if (unitAmount is not null || unitDecimal is not null)
            {
                throw StripeError.Invalid("unit_amount is not allowed with billing_scheme=tiered.", p.Name("unit_amount"));
            }

            tiersMode = p.OneOf("tiers_mode", null, "graduated", "volume");
            tiers = Tiers(p);
        }
        else if (unitAmount is null && unitDecimal is null && p.Obj("custom_unit_amount") is null)
        {
            throw StripeError.Missing(p.Name("unit_amount"));
        }

        JsonObject? custom = null;
        if (p.Obj("custom_unit_amount") is { } c)
        {
            if (unitAmount is not null || unitDecimal is not null)
            {
                throw StripeError.Invalid("custom_unit_amount cannot be combined with unit_amount.", c.Name("enabled"));
            }

            custom = new JsonObject { ["maximum"] = c.Long("maximum"), ["minimum"] = c.Long("minimum"), ["preset"] = c.Long("preset") };
        }

        JsonObject? recurring = null;
        if (p.Obj("recurring") is { } r)
        {
            if (r.Has("aggregate_usage"))
            {
                throw StripeError.Invalid($"Received unknown parameter: {r.Name("aggregate_usage")}", r.Name("aggregate_usage"), "parameter_unknown");
            }

            var interval = r.OneOf("interval", null, "day", "week", "month", "year");
            var count = r.Long("interval_count") ?? 1;
            if (count < 1)
            {
                throw StripeError.Invalid("Invalid interval_count: must be at least 1.", r.Name("interval_count"));
            }

            var usage = r.OneOf("usage_type", "licensed", "licensed", "metered");
            var meter = r.Text("meter");
            if (usage == "metered")
            {
                if (meter is null)
                {
                    throw new StripeError(400, "invalid_request_error",
                        "Metered prices must be backed by a billing meter: pass `recurring[meter]` with the id of an active meter.",
                        "parameter_missing", r.Name("meter"));
                }
                // The billing module's lookup first; meters placed directly in the store (tests, seeds) also count.
                var found = account.Emulator.Hooks.FindMeter(account, meter) ?? account.Store["billing.meter"].Get(meter)
                    ?? throw StripeError.NoSuchParam("billing meter", meter, r.Name("meter"));
                if (Json.Str(found, "status") is { } status && status != "active")
                {
                    throw StripeError.Invalid($"The meter '{meter}' is not active.", r.Name("meter"));
                }
            }
            else if (meter is not null)
            {
                throw StripeError.Invalid("`recurring[meter]` can only be set when `recurring[usage_type]` is `metered`.", r.Name("meter"));
            }

            recurring = new JsonObject
            {
                ["interval"] = interval,
                ["interval_count"] = count,
                ["meter"] = meter,
                ["trial_period_days"] = r.Long("trial_period_days"),
                ["usage_type"] = usage,
            };
        }

        var lookupKey = p.Text("lookup_key");
        if (lookupKey is not null)
        {
            TakeLookupKey(account, lookupKey, p.Bool("transfer_lookup_key") == true, p.Name("lookup_key"));
        }

        var price = new JsonObject
        {
            ["id"] = Ids.New("price_"),
            ["object"] = "price",
            ["active"] = p.Bool("active") ?? true,
            ["billing_scheme"] = scheme,
            ["created"] = account.UnixNow(),
            ["currency"] = currency,
            ["custom_unit_amount"] = custom,
            ["livemode"] = false,
            ["lookup_key"] = lookupKey,
            ["metadata"] = new JsonObject(),
            ["nickname"] = p.Text("nickname"),
            ["product"] = productId,
            ["recurring"] = recurring,
            ["tax_behavior"] = p.OneOf("tax_behavior", "unspecified", "unspecified", "inclusive", "exclusive"),
            ["tiers_mode"] = tiersMode,
            ["transform_quantity"] = null,
            ["type"] = recurring is null ? "one_time" : "recurring",
            ["unit_amount"] = unitAmount ?? (unitDecimal is { } d && d == decimal.Truncate(d) ? (long)d : null),
            ["unit_amount_decimal"] = scheme == "tiered" || custom is not null ? null : Json.DecimalString(unitDecimal ?? unitAmount ?? 0),
        };
        if (tiers is not null)
        {
            price["tiers"] = tiers;
        }

        if (p.Obj("transform_quantity") is { } tq)
        {
            price["transform_quantity"] = new JsonObject { ["divide_by"] = tq.Long("divide_by") ?? throw StripeError.Missing(tq.Name("divide_by")), ["round"] = tq.OneOf("round", null, "up", "down") };
        }

        Json.ApplyMetadata(price, p);
        account.Store["price"].Add(price);
        account.Emit("price.created", price);
        return price;
    }

    private static void TakeLookupKey(Account account, string key, bool transfer, string param)
    {
        foreach (var other in account.Store["price"].All)
        {
            if (Json.Str(other, "lookup_key") != key)
            {
                continue;
            }

            if (!transfer)
            {
                throw StripeError.Invalid($"A price (`{Json.Str(other, "id")}`) already uses that lookup key.", param);
            }

            var before = other.DeepClone().AsObject();
            other["lookup_key"] = null;
            account.Emit("price.updated", other, Json.Diff(before, other));
        }
    }

    private static ApiResult Get(ApiRequest req)
    {
        var id = req.Route("id");
        return req.Ok(req.Acct.Store["price"].Get(id) ?? throw StripeError.NotFound("price", id));
    }

    private static ApiResult Update(ApiRequest req)
    {
        var account = req.Acct;
        var id = req.Route("id");
        var price = account.Store["price"].Get(id) ?? throw StripeError.NotFound("price", id);
        var p = req.Params;
        foreach (var (key, _) in p.Node.Children)
        {
            if (!Mutable.Contains(key))
            {
                throw StripeError.Invalid($"Received unknown parameter: {key}", key, "parameter_unknown");
            }
        }

        var before = price.DeepClone().AsObject();
        if (p.Bool("active") is { } active)
        {
            price["active"] = active;
        }

        Json.ApplyString(price, p, "nickname");
        if (p.IsCleared("lookup_key"))
        {
            price["lookup_key"] = null;
        }
        else if (p.Text("lookup_key") is { } key && key != Json.Str(price, "lookup_key"))
        {
            TakeLookupKey(account, key, p.Bool("transfer_lookup_key") == true, "lookup_key");
            price["lookup_key"] = key;
        }
        if (p.Text("tax_behavior") is { } tax)
        {
            if (Json.Str(price, "tax_behavior") is { } current && current != "unspecified" && current != tax)
            {
                throw StripeError.Invalid("tax_behavior cannot be changed once it is specified.", "tax_behavior");
            }

            price["tax_behavior"] = p.OneOf("tax_behavior", null, "unspecified", "inclusive", "exclusive");
        }
        Json.ApplyMetadata(price, p);
        if (Json.Diff(before, price) is { } previous)
        {
            account.Emit("price.updated", price, previous);
        }

        return req.Ok(price);
    }

    private static ApiResult List(ApiRequest req)
    {
        var p = req.Params;
        var active = p.Bool("active");
        var product = p.Text("product");
        var type = p.Text("type");
        var currency = p.Text("currency")?.ToLowerInvariant();
        var lookupKeys = p.Strings("lookup_keys");
        var recurring = p.Obj("recurring");
        var interval = recurring?.Text("interval");
        var usage = recurring?.Text("usage_type");
        var meter = recurring?.Text("meter");
        var created = Lists.Created(p);
        return Lists.Page(req, req.Acct.Store["price"], "/v1/prices", pr =>
        {
            var rec = pr["recurring"] as JsonObject;
            return created(pr)
                && (active is null || Json.Bool(pr, "active") == active)
                && (product is null || Json.IdOf(pr["product"]) == product)
                && (type is null || Json.Str(pr, "type") == type)
                && (currency is null || Json.Str(pr, "currency") == currency)
                && (lookupKeys.Count == 0 || lookupKeys.Contains(Json.Str(pr, "lookup_key") ?? "\0"))
                && (interval is null || (rec is not null && Json.Str(rec, "interval") == interval))
                && (usage is null || (rec is not null && Json.Str(rec, "usage_type") == usage))
                && (meter is null || (rec is not null && Json.Str(rec, "meter") == meter));
        });
    }
}
