using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary><c>tiers[i][up_to|unit_amount(_decimal)|flat_amount(_decimal)]</c> of tiered prices; the last tier is <c>up_to=inf</c>.</summary>
internal static partial class Prices
{
    private static JsonArray Tiers(Params p)
    {
        var list = p.List("tiers");
        if (list.Count == 0)
        {
            throw StripeError.Missing(p.Name("tiers"));
        }

        var tiers = new JsonArray();
        for (var i = 0; i < list.Count; i++)
        {
            var t = list[i];
            var upTo = t.Required("up_to");
            if (upTo != "inf" && !long.TryParse(upTo, out _))
            {
                throw StripeError.Invalid("Invalid up_to: an integer or `inf`.", t.Name("up_to"));
            }

            if ((upTo == "inf") != (i == list.Count - 1))
            {
                throw StripeError.Invalid("Only the last tier may (and must) have up_to=inf.", t.Name("up_to"));
            }

            var unit = t.Long("unit_amount");
            var unitDec = t.Decimal("unit_amount_decimal") ?? unit;
            var flat = t.Long("flat_amount");
            var flatDec = t.Decimal("flat_amount_decimal") ?? flat;
            tiers.Add(new JsonObject
            {
                ["flat_amount"] = flat ?? (flatDec is { } f && f == decimal.Truncate(f) ? (long)f : null),
                ["flat_amount_decimal"] = flatDec is { } fd ? Json.DecimalString(fd) : null,
                ["unit_amount"] = unit ?? (unitDec is { } u && u == decimal.Truncate(u) ? (long)u : null),
                ["unit_amount_decimal"] = unitDec is { } ud ? Json.DecimalString(ud) : null,
                ["up_to"] = upTo == "inf" ? null : long.Parse(upTo, System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return tiers;
    }
}
