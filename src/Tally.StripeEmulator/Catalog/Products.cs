using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary><c>/v1/products</c>: create (with <c>default_price_data</c>), get, update, delete, list.</summary>
internal static class Products
{
    public static void Map(RouteTable routes)
    {
        routes.Post("/v1/products", Create);
        routes.Get("/v1/products", List);
        routes.Get("/v1/products/{id}", Get);
        routes.Post("/v1/products/{id}", Update);
        routes.Delete("/v1/products/{id}", Delete);
    }

    public static JsonObject Find(Account account, string id, string? param = null)
    {
        var product = account.Store["product"].Get(id);
        if (product is null || product["deleted"] is not null)
        {
            throw param is null ? StripeError.NotFound("product", id) : StripeError.NoSuchParam("product", id, param);
        }

        return product;
    }

    /// <summary>Creates and stores a product from <c>name</c>, <c>description</c>, ... (also used by <c>product_data</c>).</summary>
    public static JsonObject New(Account account, Params p, string? explicitId = null)
    {
        var name = p.Required("name");
        var id = explicitId ?? Ids.New("prod_", 14);
        if (account.Store["product"].Get(id) is not null)
        {
            throw StripeError.Invalid($"Product already exists.", "id", "resource_already_exists");
        }

        var now = account.UnixNow();
        var product = new JsonObject
        {
            ["id"] = id,
            ["object"] = "product",
            ["active"] = p.Bool("active") ?? true,
            ["created"] = now,
            ["default_price"] = null,
            ["description"] = p.Text("description"),
            ["images"] = new JsonArray(p.Strings("images").Select(i => (JsonNode)i).ToArray()),
            ["livemode"] = false,
            ["marketing_features"] = new JsonArray(),
            ["metadata"] = new JsonObject(),
            ["name"] = name,
            ["package_dimensions"] = null,
            ["shippable"] = null,
            ["statement_descriptor"] = p.Text("statement_descriptor"),
            ["tax_code"] = p.Text("tax_code"),
            ["tax_details"] = null,
            ["type"] = "service",
            ["unit_label"] = p.Text("unit_label"),
            ["updated"] = now,
            ["url"] = p.Text("url"),
        };
        Json.ApplyMetadata(product, p);
        account.Store["product"].Add(product);
        account.Emit("product.created", product);
        return product;
    }

    private static ApiResult Create(ApiRequest req)
    {
        var account = req.Acct;
        var p = req.Params;
        var product = New(account, p, p.Text("id"));
        if (p.Obj("default_price_data") is { } priceData)
        {
            var price = Prices.New(account, priceData, (string)product["id"]!);
            var before = product.DeepClone().AsObject();
            product["default_price"] = (string)price["id"]!;
            account.Emit("product.updated", product, Json.Diff(before, product));
        }
        return req.Ok(product);
    }

    private static ApiResult Get(ApiRequest req)
    {
        var id = req.Route("id");
        return req.Ok(req.Acct.Store["product"].Get(id) ?? throw StripeError.NotFound("product", id));
    }

    private static ApiResult Update(ApiRequest req)
    {
        var account = req.Acct;
        var product = Find(account, req.Route("id"));
        var p = req.Params;
        var before = product.DeepClone().AsObject();
        if (p.Has("name"))
        {
            product["name"] = p.Required("name");
        }

        if (p.Bool("active") is { } active)
        {
            product["active"] = active;
        }

        foreach (var key in new[] { "description", "statement_descriptor", "tax_code", "unit_label", "url" })
        {
            Json.ApplyString(product, p, key);
        }

        if (p.Has("images"))
        {
            product["images"] = new JsonArray(p.Strings("images").Select(i => (JsonNode)i).ToArray());
        }

        if (p.IsCleared("default_price"))
        {
            product["default_price"] = null;
        }
        else if (p.Text("default_price") is { } priceId)
        {
            var price = account.Store["price"].Get(priceId) ?? throw StripeError.NoSuchParam("price", priceId, "default_price");
            if (Json.IdOf(price["product"]) != (string)product["id"]!)
            {
                throw StripeError.Invalid("The default price must belong to this product.", "default_price");
            }

            product["default_price"] = priceId;
        }
        Json.ApplyMetadata(product, p);
        if (Json.Diff(before, product) is { } previous)
        {
            product["updated"] = account.UnixNow();
            account.Emit("product.updated", product, previous);
        }
        return req.Ok(product);
    }

    private static ApiResult Delete(ApiRequest req)
    {
        var account = req.Acct;
        var product = Find(account, req.Route("id"));
        var id = (string)product["id"]!;
        if (account.Store["price"].All.Any(pr => Json.IdOf(pr["product"]) == id))
        {
            throw StripeError.Invalid("This product cannot be deleted because it has one or more user-created prices.");
        }

        account.Emit("product.deleted", product);
        var stub = Json.Deleted(id, "product");
        account.Store["product"].Replace(id, stub);
        return req.Ok(stub);
    }

    private static ApiResult List(ApiRequest req)
    {
        var p = req.Params;
        var active = p.Bool("active");
        var ids = p.Strings("ids");
        var created = Lists.Created(p);
        return Lists.Page(req, req.Acct.Store["product"], "/v1/products", pr =>
            created(pr) && (active is null || Json.Bool(pr, "active") == active) && (ids.Count == 0 || ids.Contains(Json.Str(pr, "id")!)));
    }
}
