using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary><c>/v1/coupons</c>: percent or amount off, once / repeating (<c>duration_in_months</c>) / forever.</summary>
internal static class Coupons
{
    public static void Map(RouteTable routes)
    {
        routes.Post("/v1/coupons", Create);
        routes.Get("/v1/coupons", List);
        routes.Get("/v1/coupons/{id}", Get);
        routes.Post("/v1/coupons/{id}", Update);
        routes.Delete("/v1/coupons/{id}", Delete);
    }

    /// <summary>A live coupon or 404.</summary>
    public static JsonObject Find(Account account, string id)
    {
        var coupon = account.Store["coupon"].Get(id);
        if (coupon is null || coupon["deleted"] is not null)
        {
            throw StripeError.NotFound("coupon", id);
        }

        return coupon;
    }

    private static ApiResult Create(ApiRequest req)
    {
        var p = req.Params;
        var account = req.Acct;
        var percent = p.Decimal("percent_off");
        var amount = p.Long("amount_off");
        if (percent is null && amount is null)
        {
            throw StripeError.Invalid("You must pass either `percent_off` or `amount_off`.", "percent_off", "parameter_missing");
        }

        if (percent is not null && amount is not null)
        {
            throw StripeError.Invalid("You may only specify one of these parameters: amount_off, percent_off.", "amount_off");
        }

        if (percent is <= 0 or > 100)
        {
            throw StripeError.Invalid("Invalid percent_off: must be greater than 0 and at most 100.", "percent_off");
        }

        if (amount is <= 0)
        {
            throw StripeError.Invalid("Invalid amount_off: must be positive.", "amount_off");
        }

        var currency = p.Text("currency")?.ToLowerInvariant();
        if (amount is not null && currency is null)
        {
            throw StripeError.Invalid("You must pass currency when passing amount_off.", "currency", "parameter_missing");
        }

        var duration = p.OneOf("duration", "once", "once", "repeating", "forever");
        var months = p.Long("duration_in_months");
        if (duration == "repeating" && months is null)
        {
            throw StripeError.Missing("duration_in_months");
        }

        if (duration != "repeating" && months is not null)
        {
            throw StripeError.Invalid("duration_in_months is only valid when duration is `repeating`.", "duration_in_months");
        }

        if (months is <= 0)
        {
            throw StripeError.Invalid("Invalid duration_in_months: must be positive.", "duration_in_months");
        }

        var id = p.Text("id") ?? Ids.Upper(8);
        if (account.Store["coupon"].Get(id) is not null)
        {
            throw StripeError.Invalid("Coupon already exists.", "id", "resource_already_exists");
        }

        var coupon = new JsonObject
        {
            ["id"] = id,
            ["object"] = "coupon",
            ["amount_off"] = amount,
            ["created"] = account.UnixNow(),
            ["currency"] = amount is null ? null : currency,
            ["duration"] = duration,
            ["duration_in_months"] = months,
            ["livemode"] = false,
            ["max_redemptions"] = p.Long("max_redemptions"),
            ["metadata"] = new JsonObject(),
            ["name"] = p.Text("name"),
            ["percent_off"] = percent,
            ["redeem_by"] = p.Long("redeem_by"),
            ["times_redeemed"] = 0,
            ["valid"] = true,
        };
        Json.ApplyMetadata(coupon, p);
        account.Store["coupon"].Add(coupon);
        account.Emit("coupon.created", coupon);
        return req.Ok(coupon);
    }

    private static ApiResult Get(ApiRequest req) => req.Ok(Find(req.Acct, req.Route("id")));

    private static ApiResult Update(ApiRequest req)
    {
        var account = req.Acct;
        var coupon = Find(account, req.Route("id"));
        var p = req.Params;
        foreach (var fixedField in new[] { "percent_off", "amount_off", "currency", "duration", "duration_in_months" })
        {
            if (p.Has(fixedField))
            {
                throw StripeError.Invalid($"Received unknown parameter: {fixedField}", fixedField, "parameter_unknown");
            }
        }

        var before = coupon.DeepClone().AsObject();
        Json.ApplyString(coupon, p, "name");
        Json.ApplyMetadata(coupon, p);
        if (Json.Diff(before, coupon) is { } previous)
        {
            account.Emit("coupon.updated", coupon, previous);
        }

        return req.Ok(coupon);
    }

    private static ApiResult Delete(ApiRequest req)
    {
        var account = req.Acct;
        var coupon = Find(account, req.Route("id"));
        var id = (string)coupon["id"]!;
        account.Emit("coupon.deleted", coupon);
        var stub = Json.Deleted(id, "coupon");
        account.Store["coupon"].Replace(id, stub);
        return req.Ok(stub);
    }

    private static ApiResult List(ApiRequest req)
    {
        var created = Lists.Created(req.Params);
        return Lists.Page(req, req.Acct.Store["coupon"], "/v1/coupons", created);
    }
}
