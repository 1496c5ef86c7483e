using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Catalog;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Billing.Api;

/// <summary>Billing's view of one core account: catalog objects from its store, events through it.</summary>
internal sealed class AccountBillingHost(Account account) : IBillingHost
{
    public Account Account => account;

    public string? LastBaseUrl { get; set; }

    public DateTimeOffset RealNow => account.Emulator.Now;

    public FailedPaymentOutcome AfterFailedRetries => account.Emulator.Options.AfterFailedRetries;

    public string PublicBaseUrl => LastBaseUrl ?? $"http://{account.Emulator.Options.Host}:{account.Emulator.Options.Port}";

    public string AccountId => account.Id;

    public string NewId(string prefix) => Ids.New(prefix + "_");

    public CustomerInfo? FindCustomer(string id)
    {
        var c = account.Store["customer"].Get(id);
        if (c is null)
        {
            return null;
        }

        var pm = Json.IdOf(c["invoice_settings"]?["default_payment_method"]);
        var prefix = Json.Str(c, "invoice_prefix") ?? id.Replace("cus_", "", StringComparison.Ordinal)[..Math.Min(8, id.Length - 4)].ToUpperInvariant();
        return new CustomerInfo(id, Json.Str(c, "test_clock"), pm, prefix, c["deleted"] is not null);
    }

    public PaymentMethodInfo? FindPaymentMethod(string id)
    {
        var pm = account.Store["payment_method"].Get(id);
        if (pm is null)
        {
            return null;
        }

        var failure = TestCards.ChargeFailure(pm);
        return new PaymentMethodInfo(id, Json.IdOf(pm["customer"]), failure is not null, failure?.DeclineCode ?? failure?.Code);
    }

    public PriceInfo? FindPrice(string id)
    {
        var p = account.Store["price"].Get(id);
        if (p is null)
        {
            return null;
        }

        var recurring = p["recurring"] as JsonObject;
        var unit = p["unit_amount_decimal"] is JsonValue d && decimal.TryParse(d.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var dec)
            ? dec
            : Json.Long(p, "unit_amount") ?? 0;
        return new PriceInfo(
            id,
            Json.IdOf(p["product"]) ?? "",
            Json.Str(p, "currency") ?? "usd",
            unit,
            p["active"] is not JsonValue a || a.GetValue<bool>(),
            recurring is null ? null : Json.Str(recurring, "interval"),
            recurring is null ? 1 : Json.Long(recurring, "interval_count") ?? 1,
            recurring is null ? "licensed" : Json.Str(recurring, "usage_type") ?? "licensed",
            recurring is null ? null : Json.Str(recurring, "meter"),
            Json.Str(p, "nickname"))
        {
            TiersMode = Json.Str(p, "tiers_mode"),
            Tiers = p["tiers"] is JsonArray tiers ? [.. tiers.OfType<JsonObject>().Select(Tier)] : [],
            TransformDivideBy = p["transform_quantity"] is JsonObject tq ? Json.Long(tq, "divide_by") : null,
            TransformRound = p["transform_quantity"] is JsonObject tr ? Json.Str(tr, "round") : null,
        };
    }

    private static PriceTier Tier(JsonObject t) =>
        new(Json.Long(t, "up_to"), DecimalOf(t, "unit_amount_decimal", "unit_amount"), DecimalOf(t, "flat_amount_decimal", "flat_amount"));

    private static decimal DecimalOf(JsonObject o, string decimalKey, string longKey) =>
        o[decimalKey] is JsonValue d && decimal.TryParse(d.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : Json.Long(o, longKey) ?? 0;

    public CouponInfo? FindCoupon(string id)
    {
        var c = account.Store["coupon"].Get(id);
        if (c is null || c["deleted"] is not null)
        {
            return null;
        }

        decimal? pct = c["percent_off"] is JsonValue v && v.TryGetValue<decimal>(out var dv) ? dv : null;
        return new CouponInfo(id, pct, Json.Long(c, "amount_off"), Json.Str(c, "currency"),
            Json.Str(c, "duration") ?? "once", Json.Long(c, "duration_in_months"),
            c["valid"] is not JsonValue valid || valid.GetValue<bool>(), Json.Str(c, "name"));
    }

    public JsonObject? CatalogJson(string id) => account.Store.Find(id);

    public void SetClock(string clockId, long frozenTime) =>
        account.TestClocks.Set(clockId, DateTimeOffset.FromUnixTimeSeconds(frozenTime));

    public void RemoveClock(string clockId) => account.TestClocks.Remove(clockId);

    public void Emit(string type, JsonObject dataObject, JsonObject? previousAttributes, long created) =>
        account.Emit(type, dataObject, previousAttributes, DateTimeOffset.FromUnixTimeSeconds(created));
}
