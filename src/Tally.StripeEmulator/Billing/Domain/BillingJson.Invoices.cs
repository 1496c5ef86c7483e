using System.Globalization;
using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Invoicing;

namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>Invoice wire shapes (basil+): parent.subscription_details, line parent/pricing, public PDF and hosted URLs.</summary>
internal sealed partial class BillingJson
{
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
            ["amount_paid_off_stripe"] = 0,
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
            ["customer_account"] = null,
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
            ["payment_settings"] = new JsonObject { ["default_mandate"] = null, ["payment_method_options"] = null, ["payment_method_types"] = null },
            ["payments"] = new JsonObject
            {
                ["object"] = "list", ["data"] = new JsonArray(), ["has_more"] = false, ["total_count"] = 0, ["url"] = $"/v1/invoice_payments?invoice={inv.Id}",
            },
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
            ["status_details"] = null,
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
            ["threshold_reason"] = null,
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
            ["parent"] = l.InvoiceItemId is { } itemId ? new JsonObject
            {
                ["invoice_item_details"] = new JsonObject
                {
                    ["invoice_item"] = itemId,
                    ["proration"] = false,
                    ["proration_details"] = new JsonObject { ["credited_items"] = null },
                    ["subscription"] = null,
                },
                ["subscription_item_details"] = null,
                ["type"] = "invoice_item_details",
            } : new JsonObject
            {
                ["invoice_item_details"] = null,
                ["subscription_item_details"] = new JsonObject
                {
                    ["invoice_item"] = null,
                    ["proration"] = l.Proration,
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
                ["price_details"] = price is null ? null : new JsonObject { ["price"] = l.PriceId, ["product"] = price.ProductId },
                ["type"] = "price_details",
                ["unit_amount_decimal"] = l.PriceDriven && price?.TiersMode is not null ? null : l.UnitAmountDecimal.ToString(CultureInfo.InvariantCulture),
            },
            ["quantity"] = (long)decimal.Round(l.Quantity),
            ["quantity_decimal"] = l.Quantity.ToString(CultureInfo.InvariantCulture),
            ["subscription"] = l.InvoiceItemId is null ? inv.SubscriptionId : null,
            ["subtotal"] = l.Amount,
            ["taxes"] = new JsonArray(),
        };
    }

    public JsonObject InvoiceItem(InvoiceItem ii) => new()
    {
        ["id"] = ii.Id,
        ["object"] = "invoiceitem",
        ["amount"] = ii.Amount,
        ["currency"] = ii.Currency,
        ["customer"] = ii.CustomerId,
        ["customer_account"] = null,
        ["date"] = ii.Date,
        ["description"] = ii.Description,
        ["discountable"] = true,
        ["discounts"] = new JsonArray(),
        ["invoice"] = ii.InvoiceId,
        ["livemode"] = false,
        ["metadata"] = Metadata(ii.Metadata),
        ["net_amount"] = ii.Amount,
        ["parent"] = null,
        ["period"] = new JsonObject { ["end"] = ii.Date, ["start"] = ii.Date },
        ["pricing"] = new JsonObject
        {
            ["price_details"] = ii.PriceId is null ? null : new JsonObject { ["price"] = ii.PriceId, ["product"] = ii.ProductId },
            ["type"] = "price_details",
            ["unit_amount_decimal"] = ii.UnitAmountDecimal.ToString(CultureInfo.InvariantCulture),
        },
        ["proration"] = false,
        ["proration_details"] = new JsonObject { ["discount_amounts"] = new JsonArray() },
        ["quantity"] = (long)decimal.Round(ii.Quantity),
        ["quantity_decimal"] = ii.Quantity.ToString(CultureInfo.InvariantCulture),
        ["tax_rates"] = new JsonArray(),
        ["test_clock"] = ii.TestClockId,
    };

    private static JsonArray DiscountAmounts(IEnumerable<(string DiscountId, long Amount)> amounts) =>
        new([.. amounts.Select(a => (JsonNode?)new JsonObject { ["amount"] = a.Amount, ["discount"] = a.DiscountId })]);

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
