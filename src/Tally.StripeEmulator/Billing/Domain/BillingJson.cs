using System.Globalization;
using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Invoicing;

namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>
/// Wire shapes of billing objects in the endive API: no subscription-level periods, item-level
/// current_period_*, invoice parent.subscription_details, line pricing/parent. Non-nullable value
/// types are never null (Stripe.net rejects that); nullable ones are emitted as null.
/// </summary>
internal sealed class BillingJson(BillingEngine engine)
{
    private IBillingHost Host => engine.Host;

    public JsonObject Metadata(Dictionary<string, string> metadata)
    {
        var o = new JsonObject();
        foreach (var (k, v) in metadata) o[k] = v;
        return o;
    }

    public JsonObject Subscription(Subscription s) => new()
    {
        ["id"] = s.Id,
        ["object"] = "subscription",
        ["application"] = null,
        ["application_fee_percent"] = null,
        ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null },
        ["billing_cycle_anchor"] = s.BillingCycleAnchor,
        ["billing_cycle_anchor_config"] = null,
        ["billing_thresholds"] = null,
        ["cancel_at"] = s.CancelAt,
        ["cancel_at_period_end"] = s.CancelAtPeriodEnd,
        ["canceled_at"] = s.CanceledAt,
        ["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = null, ["reason"] = s.CanceledAt is null ? null : "cancellation_requested" },
        ["collection_method"] = "charge_automatically",
        ["created"] = s.Created,
        ["currency"] = s.Currency,
        ["customer"] = s.CustomerId,
        ["days_until_due"] = null,
        ["default_payment_method"] = s.DefaultPaymentMethodId,
        ["default_source"] = null,
        ["default_tax_rates"] = new JsonArray(),
        ["description"] = s.Description,
        ["discounts"] = new JsonArray([.. s.Discounts.Select(d => (JsonNode?)d.Id)]),
        ["ended_at"] = s.EndedAt,
        ["invoice_settings"] = new JsonObject { ["account_tax_ids"] = null, ["issuer"] = new JsonObject { ["type"] = "self" } },
        ["items"] = ItemList(s),
        ["latest_invoice"] = s.LatestInvoiceId,
        ["livemode"] = false,
        ["metadata"] = Metadata(s.Metadata),
        ["next_pending_invoice_item_invoice"] = null,
        ["on_behalf_of"] = null,
        ["pause_collection"] = null,
        ["pending_invoice_item_interval"] = null,
        ["pending_setup_intent"] = null,
        ["pending_update"] = null,
        ["schedule"] = null,
        ["start_date"] = s.StartDate,
        ["status"] = s.Status,
        ["test_clock"] = s.TestClockId,
        ["transfer_data"] = null,
        ["trial_end"] = s.TrialEnd,
        ["trial_settings"] = new JsonObject { ["end_behavior"] = new JsonObject { ["missing_payment_method"] = "create_invoice" } },
        ["trial_start"] = s.TrialStart,
    };

    public JsonObject ItemList(Subscription s) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. s.Items.Select(i => (JsonNode?)Item(i))]),
        ["has_more"] = false,
        ["total_count"] = s.Items.Count,
        ["url"] = $"/v1/subscription_items?subscription={s.Id}",
    };

    public JsonObject Item(SubscriptionItem i)
    {
        var o = new JsonObject
        {
            ["id"] = i.Id,
            ["object"] = "subscription_item",
            ["billing_thresholds"] = null,
            ["created"] = i.Created,
            ["current_period_end"] = i.CurrentPeriodEnd,
            ["current_period_start"] = i.CurrentPeriodStart,
            ["discounts"] = new JsonArray(),
            ["metadata"] = Metadata(i.Metadata),
            ["price"] = Host.CatalogJson(i.PriceId)?.DeepClone() ?? i.PriceId,
            ["subscription"] = i.SubscriptionId,
            ["tax_rates"] = new JsonArray(),
        };
        if (i.Quantity is { } q) o["quantity"] = q;
        return o;
    }

    public JsonObject Discount(SubscriptionDiscount d) => new()
    {
        ["id"] = d.Id,
        ["object"] = "discount",
        ["checkout_session"] = null,
        ["coupon"] = Host.CatalogJson(d.CouponId)?.DeepClone(),
        ["customer"] = d.CustomerId,
        ["end"] = d.End,
        ["invoice"] = null,
        ["invoice_item"] = null,
        ["promotion_code"] = null,
        ["source"] = new JsonObject { ["coupon"] = d.CouponId, ["type"] = "coupon" },
        ["start"] = d.Start,
        ["subscription"] = d.SubscriptionId,
        ["subscription_item"] = null,
    };

    public string PdfUrl(Invoice inv) => $"{Host.PublicBaseUrl}/invoice/{Host.AccountId}/{inv.PdfToken}/pdf";

    public string HostedUrl(Invoice inv) => $"{Host.PublicBaseUrl}/invoice/{Host.AccountId}/{inv.PdfToken}";

    public JsonObject Invoice(Invoice inv)
    {
        var customer = Host.CatalogJson(inv.CustomerId);
        var finalized = inv.Status != "draft";
        return new JsonObject
        {
            ["id"] = inv.Id,
            ["object"] = "invoice",
            ["account_country"] = "US",
            ["account_name"] = "Tally Stripe Emulator",
            ["account_tax_ids"] = null,
            ["amount_due"] = inv.AmountDue,
            ["amount_overpaid"] = 0,
            ["amount_paid"] = inv.AmountPaid,
            ["amount_remaining"] = inv.AmountRemaining,
            ["amount_shipping"] = 0,
            ["application"] = null,
            ["attempt_count"] = inv.AttemptCount,
            ["attempted"] = inv.Attempted,
            ["auto_advance"] = inv.Status is "draft" or "open",
            ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null },
            ["automatically_finalizes_at"] = inv.AutomaticallyFinalizesAt,
            ["billing_reason"] = inv.BillingReason,
            ["collection_method"] = "charge_automatically",
            ["confirmation_secret"] = null,
            ["created"] = inv.Created,
            ["currency"] = inv.Currency,
            ["custom_fields"] = null,
            ["customer"] = inv.CustomerId,
            ["customer_address"] = null,
            ["customer_email"] = customer?["email"]?.DeepClone(),
            ["customer_name"] = customer?["name"]?.DeepClone(),
            ["customer_phone"] = null,
            ["customer_shipping"] = null,
            ["customer_tax_exempt"] = "none",
            ["customer_tax_ids"] = new JsonArray(),
            ["default_payment_method"] = null,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = null,
            ["discounts"] = new JsonArray([.. inv.DiscountIds.Select(d => (JsonNode?)d)]),
            ["due_date"] = null,
            ["effective_at"] = inv.FinalizedAt,
            ["ending_balance"] = finalized ? 0 : null,
            ["footer"] = null,
            ["from_invoice"] = null,
            ["hosted_invoice_url"] = finalized ? HostedUrl(inv) : null,
            ["invoice_pdf"] = finalized ? PdfUrl(inv) : null,
            ["issuer"] = new JsonObject { ["type"] = "self" },
            ["last_finalization_error"] = null,
            ["latest_revision"] = null,
            ["lines"] = Lines(inv, inv.Lines, hasMore: false),
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_payment_attempt"] = inv.NextPaymentAttempt,
            ["number"] = inv.Number,
            ["on_behalf_of"] = null,
            ["parent"] = inv.SubscriptionId is null ? null : new JsonObject
            {
                ["quote_details"] = null,
                ["subscription_details"] = new JsonObject
                {
                    ["metadata"] = Metadata(inv.SubscriptionMetadata),
                    ["subscription"] = inv.SubscriptionId,
                },
                ["type"] = "subscription_details",
            },
            ["period_end"] = inv.PeriodEnd,
            ["period_start"] = inv.PeriodStart,
            ["post_payment_credit_notes_amount"] = 0,
            ["pre_payment_credit_notes_amount"] = 0,
            ["receipt_number"] = null,
            ["rendering"] = null,
            ["shipping_cost"] = null,
            ["shipping_details"] = null,
            ["starting_balance"] = 0,
            ["statement_descriptor"] = null,
            ["status"] = inv.Status,
            ["status_transitions"] = new JsonObject
            {
                ["finalized_at"] = inv.FinalizedAt,
                ["marked_uncollectible_at"] = null,
                ["paid_at"] = inv.PaidAt,
                ["voided_at"] = inv.VoidedAt,
            },
            ["subtotal"] = inv.Subtotal,
            ["subtotal_excluding_tax"] = inv.Subtotal,
            ["test_clock"] = inv.TestClockId,
            ["total"] = inv.Total,
            ["total_discount_amounts"] = DiscountAmounts(inv.TotalDiscountAmounts),
            ["total_excluding_tax"] = inv.Total,
            ["total_pretax_credit_amounts"] = new JsonArray(),
            ["total_taxes"] = new JsonArray(),
            ["webhooks_delivered_at"] = inv.FinalizedAt,
        };
    }

    public JsonObject Lines(Invoice inv, IEnumerable<InvoiceLine> lines, bool hasMore)
    {
        var data = lines.Select(l => (JsonNode?)Line(inv, l)).ToArray();
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(data),
            ["has_more"] = hasMore,
            ["total_count"] = inv.Lines.Count,
            ["url"] = $"/v1/invoices/{inv.Id}/lines",
        };
    }

    public JsonObject Line(Invoice inv, InvoiceLine l)
    {
        var price = Host.FindPrice(l.PriceId);
        return new JsonObject
        {
            ["id"] = l.Id,
            ["object"] = "line_item",
            ["amount"] = l.Amount,
            ["currency"] = inv.Currency,
            ["description"] = l.Description,
            ["discount_amounts"] = DiscountAmounts(l.DiscountAmounts),
            ["discountable"] = true,
            ["discounts"] = new JsonArray([.. l.DiscountAmounts.Select(d => (JsonNode?)d.DiscountId)]),
            ["invoice"] = inv.Id,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["parent"] = new JsonObject
            {
                ["invoice_item_details"] = null,
                ["subscription_item_details"] = new JsonObject
                {
                    ["invoice_item"] = null,
                    ["proration"] = false,
                    ["proration_details"] = new JsonObject { ["credited_items"] = null },
                    ["subscription"] = inv.SubscriptionId,
                    ["subscription_item"] = l.SubscriptionItemId,
                },
                ["type"] = "subscription_item_details",
            },
            ["period"] = new JsonObject { ["end"] = l.PeriodEnd, ["start"] = l.PeriodStart },
            ["pretax_credit_amounts"] = new JsonArray(),
            ["pricing"] = new JsonObject
            {
                ["price_details"] = new JsonObject { ["price"] = l.PriceId, ["product"] = price?.ProductId },
                ["type"] = "price_details",
                ["unit_amount_decimal"] = l.UnitAmountDecimal.ToString(CultureInfo.InvariantCulture),
            },
            ["quantity"] = (long)decimal.Round(l.Quantity),
            ["quantity_decimal"] = l.Quantity.ToString(CultureInfo.InvariantCulture),
            ["subtotal"] = l.Amount,
            ["taxes"] = new JsonArray(),
        };
    }

    private static JsonArray DiscountAmounts(IEnumerable<(string DiscountId, long Amount)> amounts) =>
        new([.. amounts.Select(a => (JsonNode?)new JsonObject { ["amount"] = a.Amount, ["discount"] = a.DiscountId })]);

    public JsonObject Clock(TestClock c) => new()
    {
        ["id"] = c.Id,
        ["object"] = "test_helpers.test_clock",
        ["created"] = c.Created,
        ["deletes_after"] = c.Created + 30L * 86400,
        ["frozen_time"] = c.FrozenTime,
        ["livemode"] = false,
        ["name"] = c.Name,
        ["status"] = c.Status,
        ["status_details"] = new JsonObject(),
    };

    public JsonObject Meter(Meter m) => new()
    {
        ["id"] = m.Id,
        ["object"] = "billing.meter",
        ["created"] = m.Created,
        ["customer_mapping"] = new JsonObject { ["event_payload_key"] = m.CustomerPayloadKey, ["type"] = "by_id" },
        ["default_aggregation"] = new JsonObject { ["formula"] = m.Formula },
        ["display_name"] = m.DisplayName,
        ["event_name"] = m.EventName,
        ["event_time_window"] = m.EventTimeWindow,
        ["livemode"] = false,
        ["status"] = m.Status,
        ["status_transitions"] = new JsonObject { ["deactivated_at"] = m.DeactivatedAt },
        ["updated"] = m.Updated,
        ["value_settings"] = new JsonObject { ["event_payload_key"] = m.ValuePayloadKey },
    };

    public byte[] Pdf(Invoice inv)
    {
        var discount = inv.TotalDiscountAmounts.Sum(d => d.Amount);
        return InvoicePdf.Render(new PdfInvoice(
            inv.Number ?? inv.Id, inv.CustomerId, inv.Currency,
            DateTimeOffset.FromUnixTimeSeconds(inv.PeriodStart), DateTimeOffset.FromUnixTimeSeconds(inv.PeriodEnd),
            [.. inv.Lines.Select(l => new PdfLine(l.Description.Replace('×', 'x'), l.Quantity.ToString(CultureInfo.InvariantCulture), InvoicePdf.FormatMoney(l.Amount, inv.Currency)))],
            InvoicePdf.FormatMoney(inv.Subtotal, inv.Currency),
            discount == 0 ? "" : InvoicePdf.FormatMoney(discount, inv.Currency),
            InvoicePdf.FormatMoney(inv.Total, inv.Currency),
            inv.Status));
    }
}
