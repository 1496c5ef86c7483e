using System.Globalization;
using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Tests.Billing;

/// <summary>Catalog objects in the shapes the catalog module stores, for billing tests.</summary>
internal static class CatalogSeed
{
    public static string Customer(BillingFixture f, string key, string? clockId = null, string? cardLast4 = "4242")
    {
        return f.Seed(key, a =>
        {
            var id = Ids.New("cus_", 14);
            var customer = new JsonObject
            {
                ["id"] = id, ["object"] = "customer", ["created"] = a.UnixNow(clockId), ["email"] = "ada@example.test", ["name"] = "Ada",
                ["livemode"] = false, ["metadata"] = new JsonObject(), ["test_clock"] = clockId,
                ["invoice_settings"] = new JsonObject { ["custom_fields"] = null, ["default_payment_method"] = null, ["footer"] = null, ["rendering_options"] = null },
            };
            a.Store["customer"].Add(customer);
            if (cardLast4 is not null)
            {
                var pm = Ids.New("pm_", 14);
                a.Store["payment_method"].Add(new JsonObject
                {
                    ["id"] = pm, ["object"] = "payment_method", ["type"] = "card", ["customer"] = id, ["created"] = 0, ["livemode"] = false,
                    ["card"] = new JsonObject { ["brand"] = "visa", ["last4"] = cardLast4, ["exp_month"] = 12, ["exp_year"] = 2034 },
                });
                customer["invoice_settings"]!["default_payment_method"] = pm;
            }
            return id;
        });
    }

    public static string Product(BillingFixture f, string key, string name) => f.Seed(key, a =>
    {
        var id = Ids.New("prod_", 14);
        a.Store["product"].Add(new JsonObject { ["id"] = id, ["object"] = "product", ["name"] = name, ["active"] = true, ["created"] = 0, ["livemode"] = false });
        return id;
    });

    public static string Price(BillingFixture f, string key, string product, decimal unitAmountDecimal, string? meterId = null, string interval = "month")
    {
        return f.Seed(key, a =>
        {
            var id = Ids.New("price_", 14);
            var whole = decimal.Truncate(unitAmountDecimal) == unitAmountDecimal;
            var price = new JsonObject
            {
                ["id"] = id, ["object"] = "price", ["active"] = true, ["billing_scheme"] = "per_unit", ["created"] = 0, ["currency"] = "usd",
                ["livemode"] = false, ["metadata"] = new JsonObject(), ["product"] = product, ["type"] = "recurring",
                ["unit_amount"] = whole ? (long)unitAmountDecimal : null,
                ["unit_amount_decimal"] = unitAmountDecimal.ToString(CultureInfo.InvariantCulture),
                ["recurring"] = new JsonObject
                {
                    ["interval"] = interval, ["interval_count"] = 1, ["meter"] = meterId, ["trial_period_days"] = null,
                    ["usage_type"] = meterId is null ? "licensed" : "metered",
                },
            };
            a.Store["price"].Add(price);
            return id;
        });
    }

    public static string Coupon(BillingFixture f, string key, string duration, decimal? percentOff = null, long? amountOff = null, long? months = null) =>
        f.Seed(key, a =>
        {
            var id = Ids.Upper(8);
            a.Store["coupon"].Add(new JsonObject
            {
                ["id"] = id, ["object"] = "coupon", ["created"] = 0, ["livemode"] = false, ["valid"] = true, ["duration"] = duration,
                ["percent_off"] = percentOff, ["amount_off"] = amountOff, ["currency"] = amountOff is null ? null : "usd",
                ["duration_in_months"] = months, ["metadata"] = new JsonObject(), ["times_redeemed"] = 0,
            });
            return id;
        });
}
