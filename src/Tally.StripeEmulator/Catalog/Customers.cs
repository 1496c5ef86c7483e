using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary><c>/v1/customers</c>: create, get, update, delete, list (<c>email</c>, <c>created</c>, <c>test_clock</c>), search.</summary>
internal static partial class Customers
{
    public static void Map(RouteTable routes)
    {
        routes.Post("/v1/customers", Create);
        routes.Get("/v1/customers", List);
        routes.Get("/v1/customers/search", Search);
        routes.Get("/v1/customers/{id}", Get);
        routes.Post("/v1/customers/{id}", Update);
        routes.Delete("/v1/customers/{id}", Delete);
    }

    /// <summary>A live (not deleted) customer, or 404.</summary>
    public static JsonObject Find(Account account, string id)
    {
        var customer = account.Store["customer"].Get(id);
        if (customer is null || customer["deleted"] is not null)
        {
            throw StripeError.NotFound("customer", id);
        }

        return customer;
    }

    private static ApiResult Create(ApiRequest req)
    {
        var p = req.Params;
        var account = req.Acct;
        var clock = p.Text("test_clock");
        if (clock is not null && !account.TestClocks.Contains(clock))
        {
            throw StripeError.NoSuchParam("test clock", clock, "test_clock");
        }

        var id = Ids.New("cus_", 14);
        var created = clock is null ? account.UnixNow() : account.UnixNow(clock);
        var customer = new JsonObject
        {
            ["id"] = id,
            ["object"] = "customer",
            ["address"] = null,
            ["balance"] = 0,
            ["business_name"] = null,
            ["created"] = created,
            ["currency"] = null,
            ["customer_account"] = null,
            ["default_source"] = null,
            ["delinquent"] = false,
            ["description"] = null,
            ["discount"] = null,
            ["email"] = null,
            ["individual_name"] = null,
            ["invoice_prefix"] = Ids.Upper(8),
            ["invoice_settings"] = new JsonObject
            {
                ["custom_fields"] = null,
                ["default_payment_method"] = null,
                ["footer"] = null,
                ["rendering_options"] = null,
            },
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["name"] = null,
            ["next_invoice_sequence"] = 1,
            ["phone"] = null,
            ["preferred_locales"] = new JsonArray(),
            ["shipping"] = null,
            ["tax_exempt"] = "none",
            ["test_clock"] = clock,
        };
        account.Store["customer"].Add(customer);
        try
        {
            string? attached = null;
            if (p.Text("payment_method") is { } pmId)
            {
                attached = (string)PaymentMethods.Attach(account, pmId, id, "payment_method")["id"]!;
            }

            ApplyFields(account, customer, p, attached);
        }
        catch (StripeError)
        {
            account.Store["customer"].RemoveLast(id);
            throw;
        }
        account.Emit("customer.created", customer);
        return req.Ok(customer);
    }

    private static void ApplyFields(Account account, JsonObject customer, Params p, string? attachedNow)
    {
        foreach (var key in new[] { "email", "name", "description", "phone", "invoice_prefix" })
        {
            Json.ApplyString(customer, p, key);
        }

        if (p.Long("balance") is { } balance)
        {
            customer["balance"] = balance;
        }

        if (p.Long("next_invoice_sequence") is { } seq)
        {
            customer["next_invoice_sequence"] = seq;
        }

        if (p.Text("tax_exempt") is not null)
        {
            customer["tax_exempt"] = p.OneOf("tax_exempt", null, "none", "exempt", "reverse");
        }

        if (p.Has("preferred_locales"))
        {
            customer["preferred_locales"] = new JsonArray(p.Strings("preferred_locales").Select(l => (JsonNode)l).ToArray());
        }

        if (p.IsCleared("address"))
        {
            customer["address"] = null;
        }
        else if (p.Obj("address") is { } address)
        {
            var a = new JsonObject();
            foreach (var f in new[] { "city", "country", "line1", "line2", "postal_code", "state" })
            {
                a[f] = address.Text(f);
            }

            customer["address"] = a;
        }
        Json.ApplyMetadata(customer, p);
        if (p.Obj("invoice_settings") is { } settings)
        {
            var target = customer["invoice_settings"]!.AsObject();
            Json.ApplyString(target, settings, "footer");
            if (settings.IsCleared("default_payment_method"))
            {
                target["default_payment_method"] = null;
            }
            else if (settings.Text("default_payment_method") is { } pm)
            {
                if (attachedNow is not null && pm == p.Text("payment_method"))
                {
                    pm = attachedNow;
                }

                var found = account.Store["payment_method"].Get(pm);
                if (found is null || Json.IdOf(found["customer"]) != (string)customer["id"]!)
                {
                    throw new StripeError(400, "invalid_request_error",
                        $"The customer does not have a payment method with the ID {pm}. The payment method must be attached to the customer.",
                        "resource_missing", settings.Name("default_payment_method"));
                }

                target["default_payment_method"] = pm;
            }
        }
        else if (p.IsCleared("invoice_settings"))
        {
            customer["invoice_settings"]!["default_payment_method"] = null;
            customer["invoice_settings"]!["footer"] = null;
        }
    }

    private static ApiResult Get(ApiRequest req)
    {
        var id = req.Route("id");
        var customer = req.Acct.Store["customer"].Get(id) ?? throw StripeError.NotFound("customer", id);
        return req.Ok(customer);
    }

    private static ApiResult Update(ApiRequest req)
    {
        var account = req.Acct;
        var customer = Find(account, req.Route("id"));
        var before = customer.DeepClone().AsObject();
        string? attached = null;
        if (req.Params.Text("payment_method") is { } pmId)
        {
            attached = (string)PaymentMethods.Attach(account, pmId, (string)customer["id"]!, "payment_method")["id"]!;
        }

        ApplyFields(account, customer, req.Params, attached);
        if (Json.Diff(before, customer) is { } previous)
        {
            account.Emit("customer.updated", customer, previous);
        }

        return req.Ok(customer);
    }

    private static ApiResult Delete(ApiRequest req)
    {
        var account = req.Acct;
        var customer = Find(account, req.Route("id"));
        var id = (string)customer["id"]!;
        account.Emulator.Hooks.CustomerDeleted?.Invoke(account, customer);
        foreach (var pm in account.Store["payment_method"].All)
        {
            if (Json.IdOf(pm["customer"]) == id)
            {
                pm["customer"] = null;
            }
        }

        account.Emit("customer.deleted", customer);
        var stub = Json.Deleted(id, "customer");
        account.Store["customer"].Replace(id, stub);
        return req.Ok(stub);
    }

    private static ApiResult List(ApiRequest req)
    {
        var p = req.Params;
        var email = p.Text("email");
        var clock = p.Text("test_clock");
        var created = Lists.Created(p);
        return Lists.Page(req, req.Acct.Store["customer"], "/v1/customers", c =>
            created(c) && (email is null || Json.Str(c, "email") == email) && (clock is null || Json.Str(c, "test_clock") == clock));
    }
}
