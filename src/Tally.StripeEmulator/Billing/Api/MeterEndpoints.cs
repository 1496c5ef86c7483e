using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Billing.Metering;
using Tally.StripeEmulator.Core;
using static Tally.StripeEmulator.Billing.Api.BillingEndpoints;

namespace Tally.StripeEmulator.Billing.Api;

internal static class MeterEndpoints
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(15);

    public static void Map(RouteTable routes, ConcurrentDictionary<string, (Account Account, DateTimeOffset ExpiresAt)> sessions)
    {
        routes.Post("/v1/billing/meters", Handler(Create, catchUp: false));
        routes.Get("/v1/billing/meters", Handler(List, catchUp: false));
        routes.Get("/v1/billing/meters/{id}", Handler((req, e) => req.Ok(e.Json.Meter(e.GetMeter(req.Route("id")))), catchUp: false));
        routes.Post("/v1/billing/meters/{id}", Handler((req, e) => req.Ok(e.Json.Meter(e.UpdateMeter(req.Route("id"), req.Params.Text("display_name")))), catchUp: false));
        routes.Post("/v1/billing/meters/{id}/deactivate", Handler((req, e) => req.Ok(e.Json.Meter(e.SetMeterActive(req.Route("id"), false))), catchUp: false));
        routes.Post("/v1/billing/meters/{id}/reactivate", Handler((req, e) => req.Ok(e.Json.Meter(e.SetMeterActive(req.Route("id"), true))), catchUp: false));
        routes.Get("/v1/billing/meters/{id}/event_summaries", Handler(Summaries, catchUp: false));
        routes.Post("/v1/billing/meter_events", Handler(CreateEventV1, catchUp: false));
        routes.Post("/v1/billing/meter_event_adjustments", Handler(AdjustV1, catchUp: false));
        routes.Post("/v2/billing/meter_events", Handler(CreateEventV2, catchUp: false));
        routes.Post("/v2/billing/meter_event_adjustments", Handler(AdjustV2, catchUp: false));
        routes.Post("/v2/billing/meter_event_session", Handler((req, e) => CreateSession(req, e, sessions), catchUp: false));
        routes.Post("/v2/billing/meter_event_stream", req => Stream(req, sessions), RouteAuth.None);
    }

    private static ApiResult Create(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var mapping = p.Obj("customer_mapping");
        if (mapping?.Text("type") is { } type && type != "by_id")
        {
            throw StripeError.Invalid("Invalid customer_mapping[type]: must be by_id", "customer_mapping[type]");
        }

        var meter = e.CreateMeter(p.Text("display_name"), p.Text("event_name"), p.Obj("default_aggregation")?.Text("formula"),
            mapping?.Text("event_payload_key"), p.Obj("value_settings")?.Text("event_payload_key"), p.Text("event_time_window"));
        return req.Ok(e.Json.Meter(meter));
    }

    private static ApiResult List(ApiRequest req, BillingEngine e)
    {
        var status = req.Params.Text("status");
        if (status is not (null or "active" or "inactive"))
        {
            throw StripeError.Invalid("Invalid status: must be one of active or inactive", "status");
        }

        return Lists.Page(req, e.ListMeters(status).Select(e.Json.Meter).ToList(), "/v1/billing/meters");
    }

    private static ApiResult Summaries(ApiRequest req, BillingEngine e)
    {
        var meter = e.GetMeter(req.Route("id"));
        var p = req.Params;
        var customer = p.Required("customer");
        var start = p.Long("start_time") ?? throw StripeError.Missing("start_time");
        var end = p.Long("end_time") ?? throw StripeError.Missing("end_time");
        if (e.Host.FindCustomer(customer) is null)
        {
            throw StripeError.NoSuchParam("customer", customer, "customer");
        }

        var (param, message, window) = SummaryWindow.Validate(start, end, p.Text("value_grouping_window"));
        if (param is not null)
        {
            throw StripeError.Invalid(message!, param);
        }

        var formula = BillingEngine.ParseFormula(meter.Formula);
        var windows = window is { } w
            ? e.Usage.AggregateWindows(meter.Id, customer, formula, start, end, w).Reverse().ToList()
            : [(start, end, e.Usage.Aggregate(meter.Id, customer, formula, start, end))];
        var data = windows.Select(x => new JsonObject
        {
            ["id"] = SummaryId(meter.Id, customer, x.Item1, x.Item2),
            ["object"] = "billing.meter_event_summary",
            ["aggregated_value"] = x.Item3,
            ["end_time"] = x.Item2,
            ["livemode"] = false,
            ["meter"] = meter.Id,
            ["start_time"] = x.Item1,
        }).ToList();
        return Lists.Page(req, data, $"/v1/billing/meters/{meter.Id}/event_summaries");
    }

    private static string SummaryId(string meter, string customer, long start, long end) =>
        "mtrusg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{meter}|{customer}|{start}|{end}")))[..32];

    private static MeterEventAccepted Record(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var payload = p.Obj("payload") is null ? null : p.Map("payload").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return e.RecordMeterEvent(p.Text("event_name"), payload, p.Text("identifier"), Timestamp(p));
    }

    /// <summary>Unix seconds or RFC 3339; absent or "now" = the customer's now (decided by the engine).</summary>
    private static long? Timestamp(Params p) =>
        p.Text("timestamp") is null or "now" ? null : p.Timestamp("timestamp", DateTimeOffset.UnixEpoch)?.ToUnixTimeSeconds();

    private static JsonObject PayloadJson(IReadOnlyDictionary<string, string> payload)
    {
        var o = new JsonObject();
        foreach (var (k, v) in payload)
        {
            o[k] = v;
        }

        return o;
    }

    private static ApiResult CreateEventV1(ApiRequest req, BillingEngine e)
    {
        var ev = Record(req, e);
        return req.Ok(new JsonObject
        {
            ["object"] = "billing.meter_event",
            ["created"] = ev.Created,
            ["event_name"] = ev.EventName,
            ["identifier"] = ev.Identifier,
            ["livemode"] = false,
            ["payload"] = PayloadJson(ev.Payload),
            ["timestamp"] = ev.Timestamp,
        });
    }

    private static string Iso(long unix) => DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static ApiResult CreateEventV2(ApiRequest req, BillingEngine e)
    {
        var ev = Record(req, e);
        return ApiResult.Json(new JsonObject
        {
            ["object"] = "v2.billing.meter_event",
            ["created"] = Iso(ev.Created),
            ["event_name"] = ev.EventName,
            ["identifier"] = ev.Identifier,
            ["livemode"] = false,
            ["payload"] = PayloadJson(ev.Payload),
            ["timestamp"] = Iso(ev.Timestamp),
        });
    }

    private static ApiResult AdjustV1(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var identifier = p.Obj("cancel")?.Text("identifier");
        var meter = e.CancelMeterEvent(p.Text("event_name"), p.Text("type"), identifier);
        return req.Ok(new JsonObject
        {
            ["object"] = "billing.meter_event_adjustment",
            ["cancel"] = new JsonObject { ["identifier"] = identifier },
            ["event_name"] = meter.EventName,
            ["livemode"] = false,
            ["status"] = "pending",
            ["type"] = "cancel",
        });
    }

    private static ApiResult AdjustV2(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var identifier = p.Obj("cancel")?.Text("identifier");
        var meter = e.CancelMeterEvent(p.Text("event_name"), p.Text("type"), identifier);
        return ApiResult.Json(new JsonObject
        {
            ["id"] = e.Host.NewId("mtradj"),
            ["object"] = "v2.billing.meter_event_adjustment",
            ["cancel"] = new JsonObject { ["identifier"] = identifier },
            ["created"] = Iso(e.Host.RealNow.ToUnixTimeSeconds()),
            ["event_name"] = meter.EventName,
            ["livemode"] = false,
            ["status"] = "pending",
            ["type"] = "cancel",
        });
    }

    private static ApiResult CreateSession(ApiRequest req, BillingEngine e, ConcurrentDictionary<string, (Account, DateTimeOffset)> sessions)
    {
        var now = e.Host.RealNow;
        var token = Ids.New("mes_", 40);
        var expires = now + SessionLifetime;
        sessions[token] = (req.Acct, expires);
        foreach (var (k, v) in sessions)
        {
            if (v.Item2 < now - SessionLifetime)
            {
                sessions.TryRemove(k, out _);
            }
        }

        return ApiResult.Json(new JsonObject
        {
            ["id"] = e.Host.NewId("mtres"),
            ["object"] = "v2.billing.meter_event_session",
            ["authentication_token"] = token,
            ["created"] = Iso(now.ToUnixTimeSeconds()),
            ["expires_at"] = Iso(expires.ToUnixTimeSeconds()),
            ["livemode"] = false,
        });
    }

    /// <summary>
    /// Session-token route: events are validated asynchronously by Stripe, so invalid ones are
    /// dropped here (counted in <see cref="StreamRejected"/>) and the response is always <c>{}</c>.
    /// </summary>
    private static ApiResult Stream(ApiRequest req, ConcurrentDictionary<string, (Account Account, DateTimeOffset ExpiresAt)> sessions)
    {
        if (req.Credential is not { Length: > 0 } token || !sessions.TryGetValue(token, out var session))
        {
            throw new StripeError(401, "invalid_request_error", "Invalid or missing meter event session authentication token.");
        }

        if (session.ExpiresAt <= req.Emulator.Now)
        {
            throw new StripeError(400, "temporary_session_expired", "The meter event session has expired. Create a new session.", "billing_meter_event_session_expired");
        }

        var events = req.Params.List("events");
        if (events.Count > 100)
        {
            throw StripeError.Invalid("A meter event stream request can contain at most 100 events.", "events");
        }

        return req.Locked(session.Account, () =>
        {
            var engine = BillingModule.Engine(session.Account);
            foreach (var ev in events)
            {
                var payload = ev.Obj("payload") is null ? null : ev.Map("payload").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
                try
                {
                    engine.RecordMeterEvent(ev.Text("event_name"), payload, ev.Text("identifier"), Timestamp(ev));
                }
                catch (Exception ex) when (ex is BillingException or StripeError)
                {
                    Interlocked.Increment(ref engine.StreamRejected);
                }
            }
            return ApiResult.Json(new JsonObject());
        });
    }
}
