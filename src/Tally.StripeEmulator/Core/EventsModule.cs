using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary><c>/v1/events</c> (list, get) and <c>/v1/webhook_endpoints</c> (CRUD).</summary>
internal sealed class EventsModule : IResourceModule
{
    public string Name => "core";

    public void Map(RouteTable routes)
    {
        routes.Get("/v1/events", ListEvents);
        routes.Get("/v1/events/{id}", GetEvent);
        routes.Post("/v1/webhook_endpoints", CreateEndpoint);
        routes.Get("/v1/webhook_endpoints", ListEndpoints);
        routes.Get("/v1/webhook_endpoints/{id}", GetEndpoint);
        routes.Post("/v1/webhook_endpoints/{id}", UpdateEndpoint);
        routes.Delete("/v1/webhook_endpoints/{id}", DeleteEndpoint);
    }

    public JsonNode? Save(Account account)
    {
        var secrets = new JsonObject();
        foreach (var (id, secret) in account.State<WebhookSecrets>().ById)
        {
            secrets[id] = secret;
        }

        return new JsonObject { ["webhook_secrets"] = secrets };
    }

    public void Load(Account account, JsonNode state)
    {
        if (state["webhook_secrets"] is not JsonObject secrets)
        {
            return;
        }

        foreach (var (id, secret) in secrets)
        {
            account.State<WebhookSecrets>().ById[id] = (string)secret!;
        }
    }

    private static ApiResult ListEvents(ApiRequest req)
    {
        var p = req.Params;
        var type = p.Text("type");
        var types = p.Strings("types");
        var created = Lists.Created(p);
        var delivered = p.Bool("delivery_success");
        return Lists.Page(req, req.Acct.Store["event"], "/v1/events", e =>
        {
            var t = Json.Str(e, "type")!;
            return created(e) && (types.Count == 0 || types.Contains(t)) && (type is null || Matches(type, t))
                && (delivered is null || (Json.Long(e, "pending_webhooks") == 0) == delivered);
        });
    }

    // Stripe allows one trailing wildcard: "invoice.*".
    private static bool Matches(string pattern, string type) =>
        pattern.EndsWith(".*", StringComparison.Ordinal) ? type.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == type;

    private static ApiResult GetEvent(ApiRequest req)
    {
        var id = req.Route("id");
        return req.Ok(req.Acct.Store["event"].Get(id) ?? throw StripeError.NotFound("event", id));
    }

    private static ApiResult CreateEndpoint(ApiRequest req)
    {
        var p = req.Params;
        var url = p.Required("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw StripeError.Invalid("Invalid URL: " + url, "url", "url_invalid");
        }

        var events = p.Strings("enabled_events");
        if (events.Count == 0)
        {
            throw StripeError.Missing("enabled_events");
        }

        var account = req.Acct;
        var endpoint = new JsonObject
        {
            ["id"] = Ids.New("we_"),
            ["object"] = "webhook_endpoint",
            ["api_version"] = p.Text("api_version") ?? StripeApi.Version,
            ["application"] = null,
            ["created"] = account.UnixNow(),
            ["description"] = p.Text("description"),
            ["enabled_events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()),
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["status"] = p.Bool("disabled") == true ? "disabled" : "enabled",
            ["url"] = url,
        };
        Json.ApplyMetadata(endpoint, p);
        account.Store["webhook_endpoint"].Add(endpoint);
        var secret = Ids.New("whsec_", 32);
        account.State<WebhookSecrets>().ById[(string)endpoint["id"]!] = secret;
        var response = endpoint.DeepClone().AsObject();
        response["secret"] = secret;
        return req.Ok(response);
    }

    private static JsonObject Find(ApiRequest req)
    {
        var id = req.Route("id");
        var endpoint = req.Acct.Store["webhook_endpoint"].Get(id);
        if (endpoint is null || endpoint["deleted"] is not null)
        {
            throw StripeError.NotFound("webhook endpoint", id);
        }

        return endpoint;
    }

    private static ApiResult ListEndpoints(ApiRequest req) =>
        Lists.Page(req, req.Acct.Store["webhook_endpoint"], "/v1/webhook_endpoints");

    private static ApiResult GetEndpoint(ApiRequest req) => req.Ok(Find(req));

    private static ApiResult UpdateEndpoint(ApiRequest req)
    {
        var endpoint = Find(req);
        var p = req.Params;
        if (p.Text("url") is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw StripeError.Invalid("Invalid URL: " + url, "url", "url_invalid");
            }

            endpoint["url"] = url;
        }
        if (p.Has("enabled_events"))
        {
            endpoint["enabled_events"] = new JsonArray(p.Strings("enabled_events").Select(e => (JsonNode)e).ToArray());
        }

        Json.ApplyString(endpoint, p, "description");
        if (p.Bool("disabled") is { } disabled)
        {
            endpoint["status"] = disabled ? "disabled" : "enabled";
        }

        Json.ApplyMetadata(endpoint, p);
        return req.Ok(endpoint);
    }

    private static ApiResult DeleteEndpoint(ApiRequest req)
    {
        var endpoint = Find(req);
        var id = (string)endpoint["id"]!;
        var stub = Json.Deleted(id, "webhook_endpoint");
        req.Acct.Store["webhook_endpoint"].Replace(id, stub);
        req.Acct.State<WebhookSecrets>().ById.Remove(id);
        return req.Ok(stub.DeepClone().AsObject());
    }
}
