using System.Globalization;
using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Invoicing;
using Tally.StripeEmulator.Billing.Metering;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed record ChargeOutcome(bool Paid, bool Failed, string? DeclineCode, List<(string Type, JsonObject Json)> Events);

internal sealed partial class BillingEngine
{
    /// <summary>Smart-retry stand-in: after the 1st, 2nd and 3rd failure, retry 3, 5 and 7 days later; a 4th failure gives up.</summary>
    internal static readonly int[] RetryDelaysDays = [3, 5, 7];

    /// <summary>Stripe leaves subscription invoices in draft for about an hour so late usage can land.</summary>
    internal const long DraftGraceSeconds = 3600;

    private BillingJson? json;

    internal BillingJson Json => json ??= new BillingJson(this);

    private Invoice NewInvoice(Subscription sub, string reason, long now, long periodStart, long periodEnd) => new()
    {
        Id = Host.NewId("in"),
        CustomerId = sub.CustomerId,
        SubscriptionId = sub.Id,
        TestClockId = sub.TestClockId,
        Currency = sub.Currency,
        BillingReason = reason,
        Created = now,
        PeriodStart = periodStart,
        PeriodEnd = periodEnd,
        SubscriptionMetadata = new(sub.Metadata),
        Sequence = NextSequence(),
    };

    private void AddLicensedLines(Invoice inv, Subscription sub, long start, long end, bool trial, long? prorateFrom = null)
    {
        foreach (var item in sub.Items)
        {
            var price = Host.FindPrice(item.PriceId);
            if (price is null || price.IsMetered)
            {
                continue;
            }

            var qty = item.Quantity ?? 1;
            var unit = trial ? 0m : price.UnitAmountDecimal;
            var product = ProductName(price);
            if (prorateFrom is { } from && end > from)
            {
                var full = end - Boundary(sub, end, -1);
                unit = decimal.Round(unit * (end - from) / Math.Max(1, full), 12);
            }
            inv.Lines.Add(new InvoiceLine
            {
                Id = Host.NewId("il"),
                Description = trial ? $"Trial period for {product}" : $"{qty} × {product} (at {Money(price.UnitAmountDecimal, price.Currency)} / {price.Interval})",
                PriceId = price.Id,
                SubscriptionItemId = item.Id,
                Quantity = qty,
                UnitAmountDecimal = unit,
                PeriodStart = start,
                PeriodEnd = end,
                PriceDriven = price.HasSpecialPricing && !trial && prorateFrom is null,
            });
        }
    }

    private void AddMeteredLines(Invoice inv, Subscription sub, long start, long end, bool zero)
    {
        foreach (var item in sub.Items)
        {
            var price = Host.FindPrice(item.PriceId);
            if (price is null || !price.IsMetered)
            {
                continue;
            }

            inv.Lines.Add(new InvoiceLine
            {
                Id = Host.NewId("il"),
                Description = "",
                PriceId = price.Id,
                SubscriptionItemId = item.Id,
                Quantity = zero ? 0 : MeteredQuantity(price, sub.CustomerId, start, end),
                UnitAmountDecimal = price.UnitAmountDecimal,
                PeriodStart = start,
                PeriodEnd = end,
                Metered = true,
                PriceDriven = price.HasSpecialPricing,
            });
        }
        foreach (var line in inv.Lines.Where(l => l.Metered))
        {
            DescribeMetered(line);
        }
    }

    private decimal MeteredQuantity(PriceInfo price, string customerId, long start, long end)
    {
        if (price.MeterId is null || !Meters.TryGetValue(price.MeterId, out var meter))
        {
            return 0;
        }

        return Usage.Aggregate(meter.Id, customerId, ParseFormula(meter.Formula), start, end);
    }

    internal static MeterFormula ParseFormula(string formula) => formula switch
    {
        "count" => MeterFormula.Count,
        "last" => MeterFormula.Last,
        _ => MeterFormula.Sum,
    };

    private void DescribeMetered(InvoiceLine line)
    {
        var price = Host.FindPrice(line.PriceId);
        var name = price is null ? line.PriceId : ProductName(price);
        line.Description = line.PriceDriven
            ? $"{line.Quantity.ToString(CultureInfo.InvariantCulture)} × {name} (tiered)"
            : $"{line.Quantity.ToString(CultureInfo.InvariantCulture)} × {name} (at {Money(line.UnitAmountDecimal, price?.Currency ?? "usd")} / unit)";
    }

    private string ProductName(PriceInfo price) =>
        Host.CatalogJson(price.ProductId)?["name"]?.GetValue<string>() ?? price.Nickname ?? price.ProductId;

    internal static string Money(decimal minor, string currency) => InvoicePdf.IsZeroDecimal(currency)
        ? string.Create(CultureInfo.InvariantCulture, $"{currency.ToUpperInvariant()} {minor:0.##########}")
        : string.Create(CultureInfo.InvariantCulture, $"{currency.ToUpperInvariant()} {minor / 100m:0.00##########}");

    /// <summary>Refreshes metered quantities (drafts only), line amounts and discounts.</summary>
    private void Recompute(Invoice inv, Subscription? sub)
    {
        if (inv.Status == "draft" && sub is not null)
        {
            foreach (var line in inv.Lines.Where(l => l.Metered))
            {
                var price = Host.FindPrice(line.PriceId);
                if (price is not null && inv.BillingReason != "subscription_create")
                {
                    line.Quantity = MeteredQuantity(price, inv.CustomerId, line.PeriodStart, line.PeriodEnd);
                }

                DescribeMetered(line);
            }
        }
        var coupons = new List<CouponInput>();
        inv.DiscountIds.Clear();
        foreach (var d in sub?.ActiveDiscounts ?? [])
        {
            var coupon = Host.FindCoupon(d.CouponId);
            if (coupon is null)
            {
                continue;
            }

            var applies = coupon.Duration switch
            {
                "once" => !d.Spent,
                "repeating" => d.End is null || inv.Created < d.End,
                _ => true,
            };
            if (!applies)
            {
                continue;
            }

            inv.DiscountIds.Add(d.Id);
            coupons.Add(new CouponInput(d.Id, coupon.PercentOff, coupon.AmountOff));
        }
        var totals = InvoiceMath.Compute([.. inv.Lines.Select(l => new LineInput(l.Id, l.Quantity, l.UnitAmountDecimal,
            l.PriceDriven && Host.FindPrice(l.PriceId) is { } price ? PriceMath.Exact(price, l.Quantity) : null))], coupons);
        for (var i = 0; i < inv.Lines.Count; i++)
        {
            inv.Lines[i].Amount = totals.Lines[i].Amount;
            inv.Lines[i].DiscountAmounts = [.. totals.Lines[i].DiscountAmounts];
        }
        inv.Subtotal = totals.Subtotal;
        inv.Total = totals.Total;
        inv.TotalDiscountAmounts = [.. totals.DiscountAmounts];
    }

    private void Finalize(Invoice inv, long now, Subscription? sub = null)
    {
        sub ??= inv.SubscriptionId is null ? null : Subscriptions.GetValueOrDefault(inv.SubscriptionId);
        Recompute(inv, sub);
        inv.Status = "open";
        inv.Number ??= NextInvoiceNumber(inv.CustomerId);
        inv.FinalizedAt = now;
        inv.AutomaticallyFinalizesAt = null;
        inv.PdfToken ??= Host.NewId("test").Replace("test_", "", StringComparison.Ordinal);
        foreach (var d in sub?.Discounts ?? [])
        {
            if (inv.DiscountIds.Contains(d.Id) && Host.FindCoupon(d.CouponId)?.Duration == "once")
            {
                d.Spent = true;
            }
        }
    }

    /// <summary>Finalizes and settles the first invoice; events are returned, not emitted, so the caller orders them.</summary>
    private ChargeOutcome SettleFirstInvoice(Subscription sub, Invoice inv, string behavior, long now)
    {
        var events = new List<(string, JsonObject)> { ("invoice.created", Json.Invoice(inv)) };
        Finalize(inv, now, sub);
        events.Add(("invoice.finalized", Json.Invoice(inv)));
        var active = sub.Status == "trialing" ? "trialing" : "active";
        if (inv.AmountDue == 0 || behavior != "default_incomplete")
        {
            var (paid, decline) = inv.AmountDue == 0 ? (true, null) : TryCharge(inv, sub);
            if (paid)
            {
                MarkPaidState(inv, now);
                sub.Status = active;
                events.Add(("invoice.paid", Json.Invoice(inv)));
                events.Add(("invoice.payment_succeeded", Json.Invoice(inv)));
                return new ChargeOutcome(true, false, null, events);
            }
            inv.AttemptCount++;
            inv.Attempted = true;
            events.Add(("invoice.payment_failed", Json.Invoice(inv)));
            return new ChargeOutcome(false, true, decline, events);
        }
        return new ChargeOutcome(false, false, null, events);
    }

    private void EmitInvoiceLifecycle(Invoice inv, ChargeOutcome outcome, long now)
    {
        // Each snapshot shows the invoice as it was at that step (draft, open, paid...).
        foreach (var (type, json) in outcome.Events)
        {
            Emit(type, json, null, now);
        }
    }

    private (bool Paid, string? DeclineCode) TryCharge(Invoice inv, Subscription? sub, string? paymentMethodId = null)
    {
        var pmId = paymentMethodId ?? sub?.DefaultPaymentMethodId ?? Host.FindCustomer(inv.CustomerId)?.DefaultPaymentMethodId;
        if (pmId is null)
        {
            return (false, null);
        }

        var pm = Host.FindPaymentMethod(pmId);
        if (pm is null || pm.FailsCharges)
        {
            return (false, pm?.DeclineCode ?? "generic_decline");
        }

        return (true, null);
    }

    private static void MarkPaidState(Invoice inv, long now)
    {
        inv.Status = "paid";
        inv.AmountPaid = inv.AmountDue;
        inv.PaidAt = now;
        inv.Attempted = inv.AmountDue > 0 || inv.Attempted;
        if (inv.AmountDue > 0)
        {
            inv.AttemptCount++;
        }

        inv.NextPaymentAttempt = null;
    }
}
