using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary>
/// <c>/v1/payment_methods</c>: create (card token), get, update, attach, detach, list; and
/// <c>/v1/customers/{id}/payment_methods</c>. Magic ids (<c>pm_card_visa</c>) make a new <c>pm_</c> each use.
/// </summary>
internal static class PaymentMethods
{
    public static void Map(RouteTable routes)
    {
        routes.Post("/v1/payment_methods", Create);
        routes.Get("/v1/payment_methods", List);
        routes.Get("/v1/payment_methods/{id}", Get);
        routes.Post("/v1/payment_methods/{id}", Update);
        routes.Post("/v1/payment_methods/{id}/attach", AttachRoute);
        routes.Post("/v1/payment_methods/{id}/detach", Detach);
        routes.Get("/v1/customers/{customer}/payment_methods", ListForCustomer);
        routes.Get("/v1/customers/{customer}/payment_methods/{id}", GetForCustomer);
    }

    // A PM made for a customer on a test clock is stamped with the clock's time.
    private static JsonObject NewFromCard(Account account, TestCards.Card card, string? customerId = null)
    {
        var now = account.Now(customerId);
        var pm = TestCards.NewPaymentMethod(card, now.ToUnixTimeSeconds(), now.Year + 3);
        return account.Store["payment_method"].Add(pm);
    }

    /// <summary>An existing payment method by id, or a new stored one for a magic id.</summary>
    public static JsonObject Resolve(Account account, string id, string param, bool notFoundIs404 = false, string? forCustomer = null)
    {
        if (account.Store["payment_method"].Get(id) is { } existing)
        {
            return existing;
        }

        if (TestCards.FromMagicId(id) is { } card)
        {
            return NewFromCard(account, card, forCustomer);
        }

        throw notFoundIs404 ? StripeError.NotFound("PaymentMethod", id) : StripeError.NoSuchParam("PaymentMethod", id, param);
    }

    /// <summary>Attaches a PM (or a new one for a magic id) to a customer; decline cards fail with 402.</summary>
    public static JsonObject Attach(Account account, string pmId, string customerId, string param)
    {
        var customer = Customers.Find(account, customerId);
        if (TestCards.FromMagicId(pmId) is { AttachError: { } decline })
        {
            throw StripeError.Card(decline.Code!, decline.DeclineCode, decline.Message);
        }

        var pm = Resolve(account, pmId, param, notFoundIs404: param == "id", forCustomer: customerId);
        if (TestCards.FromPaymentMethod(pm) is { AttachError: { } declined })
        {
            throw StripeError.Card(declined.Code!, declined.DeclineCode, declined.Message);
        }

        var current = Json.IdOf(pm["customer"]);
        if (current == customerId)
        {
            return pm;
        }

        if (current is not null)
        {
            throw StripeError.Invalid("The payment method you provided has already been attached to a customer.", param);
        }

        pm["customer"] = (string)customer["id"]!;
        account.Emit("payment_method.attached", pm);
        return pm;
    }

    private static ApiResult Create(ApiRequest req)
    {
        var p = req.Params;
        var type = p.OneOf("type", null, "card");
        var account = req.Acct;
        JsonObject pm;
        if (p.Text("payment_method") is { } source)
        {
            pm = Resolve(account, source, "payment_method");
            if (Json.IdOf(pm["customer"]) is not null)
            {
                var clone = pm.DeepClone().AsObject();
                clone["id"] = Ids.New("pm_");
                clone["customer"] = null;
                pm = account.Store["payment_method"].Add(clone);
            }
        }
        else
        {
            var card = p.Obj("card") ?? throw StripeError.Missing("card");
            var token = card.Text("token") ?? throw StripeError.Invalid(
                "Sending card numbers directly to the Stripe API is not allowed in the emulator; use card[token]=tok_visa or a pm_card_* id.", card.Name("number"));
            var magic = TestCards.FromMagicId(token) ?? throw StripeError.NoSuchParam("token", token, card.Name("token"));
            pm = NewFromCard(account, magic);
        }
        _ = type;
        ApplyUpdate(pm, p);
        return req.Ok(pm);
    }

    private static void ApplyUpdate(JsonObject pm, Params p)
    {
        Json.ApplyMetadata(pm, p);
        if (p.Obj("billing_details") is { } bd)
        {
            var target = pm["billing_details"]!.AsObject();
            foreach (var f in new[] { "email", "name", "phone" })
            {
                Json.ApplyString(target, bd, f);
            }

            if (bd.Obj("address") is { } address)
            {
                foreach (var f in new[] { "city", "country", "line1", "line2", "postal_code", "state" })
                {
                    Json.ApplyString(target["address"]!.AsObject(), address, f);
                }
            }
        }
        if (p.Obj("card") is { } card && pm["card"] is JsonObject c)
        {
            if (card.Long("exp_month") is { } month)
            {
                c["exp_month"] = month;
            }

            if (card.Long("exp_year") is { } year)
            {
                c["exp_year"] = year;
            }
        }
        if (p.Text("allow_redisplay") is { } redisplay)
        {
            pm["allow_redisplay"] = redisplay;
        }
    }

    private static ApiResult Get(ApiRequest req) => req.Ok(Resolve(req.Acct, req.Route("id"), "id", notFoundIs404: true));

    private static ApiResult Update(ApiRequest req)
    {
        var account = req.Acct;
        var id = req.Route("id");
        var pm = account.Store["payment_method"].Get(id) ?? throw StripeError.NotFound("PaymentMethod", id);
        var before = pm.DeepClone().AsObject();
        ApplyUpdate(pm, req.Params);
        if (Json.Diff(before, pm) is { } previous)
        {
            account.Emit("payment_method.updated", pm, previous);
        }

        return req.Ok(pm);
    }

    private static ApiResult AttachRoute(ApiRequest req)
    {
        var customer = req.Params.Required("customer");
        var account = req.Acct;
        var found = account.Store["customer"].Get(customer);
        if (found is null || found["deleted"] is not null)
        {
            throw StripeError.NoSuchParam("customer", customer, "customer");
        }

        return req.Ok(Attach(account, req.Route("id"), customer, "id"));
    }

    private static ApiResult Detach(ApiRequest req)
    {
        var account = req.Acct;
        var id = req.Route("id");
        var pm = account.Store["payment_method"].Get(id) ?? throw StripeError.NotFound("PaymentMethod", id);
        var customerId = Json.IdOf(pm["customer"])
            ?? throw StripeError.Invalid("The payment method you provided is not attached to a customer so detachment is impossible.");
        var before = pm.DeepClone().AsObject();
        pm["customer"] = null;
        if (account.Store["customer"].Get(customerId) is { } customer && customer["invoice_settings"] is JsonObject settings
            && Json.Str(settings, "default_payment_method") == id)
        {
            var prev = customer.DeepClone().AsObject();
            settings["default_payment_method"] = null;
            account.Emit("customer.updated", customer, Json.Diff(prev, customer));
        }
        account.Emit("payment_method.detached", pm, Json.Diff(before, pm));
        return req.Ok(pm);
    }

    private static ApiResult List(ApiRequest req)
    {
        var p = req.Params;
        var customer = p.Text("customer");
        if (customer is not null)
        {
            _ = Customers.Find(req.Acct, customer);
        }

        var type = p.Text("type");
        return Lists.Page(req, req.Acct.Store["payment_method"], "/v1/payment_methods", pm =>
            (customer is null || Json.IdOf(pm["customer"]) == customer) && (type is null || Json.Str(pm, "type") == type));
    }

    private static ApiResult ListForCustomer(ApiRequest req)
    {
        var customer = (string)Customers.Find(req.Acct, req.Route("customer"))["id"]!;
        var type = req.Params.Text("type");
        return Lists.Page(req, req.Acct.Store["payment_method"], $"/v1/customers/{customer}/payment_methods", pm =>
            Json.IdOf(pm["customer"]) == customer && (type is null || Json.Str(pm, "type") == type));
    }

    private static ApiResult GetForCustomer(ApiRequest req)
    {
        var customer = (string)Customers.Find(req.Acct, req.Route("customer"))["id"]!;
        var id = req.Route("id");
        var pm = req.Acct.Store["payment_method"].Get(id);
        if (pm is null || Json.IdOf(pm["customer"]) != customer)
        {
            throw StripeError.NotFound("PaymentMethod", id);
        }

        return req.Ok(pm);
    }
}
