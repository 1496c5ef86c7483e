using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>
/// Wire shapes of billing objects in the endive API: no subscription-level periods, item-level
/// current_period_*, invoice parent.subscription_details, line pricing/parent. Non-nullable value
/// types are never null (Stripe.net rejects that); nullable ones are emitted as null.
/// </summary>
internal sealed partial class BillingJson(BillingEngine engine)
{
    private IBillingHost Host => engine.Host;

    public JsonObject Metadata(Dictionary<string, string> metadata)
    {
        var o = new JsonObject();
        foreach (var (k, v) in metadata)
        {
            o[k] = v;
        }

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
        ["billing_mode"] = new JsonObject { ["flexible"] = null, ["type"] = "classic" },
        ["billing_schedules"] = null,
        ["billing_thresholds"] = null,
        ["cancel_at"] = s.CancelAt,
        ["cancel_at_period_end"] = s.CancelAtPeriodEnd,
        ["canceled_at"] = s.CanceledAt,
        ["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = null, ["reason"] = s.CanceledAt is null ? null : "cancellation_requested" },
        ["collection_method"] = "charge_automatically",
        ["created"] = s.Created,
        ["currency"] = s.Currency,
        ["customer"] = s.CustomerId,
        ["customer_account"] = null,
        ["days_until_due"] = null,
        ["default_payment_method"] = s.DefaultPaymentMethodId,
        ["default_source"] = null,
        ["default_tax_rates"] = new JsonArray(),
        ["description"] = s.Description,
        ["discounts"] = new JsonArray([.. s.ActiveDiscounts.Select(d => (JsonNode?)d.Id)]),
        ["ended_at"] = s.EndedAt,
        ["invoice_settings"] = new JsonObject { ["account_tax_ids"] = null, ["issuer"] = new JsonObject { ["type"] = "self" } },
        ["items"] = ItemList(s),
        ["latest_invoice"] = s.LatestInvoiceId,
        ["livemode"] = false,
        ["managed_payments"] = null,
        ["metadata"] = Metadata(s.Metadata),
        ["next_pending_invoice_item_invoice"] = null,
        ["on_behalf_of"] = null,
        ["pause_collection"] = null,
        ["payment_settings"] = new JsonObject { ["payment_method_options"] = null, ["payment_method_types"] = null, ["save_default_payment_method"] = "off" },
        ["pending_invoice_item_interval"] = null,
        ["pending_setup_intent"] = null,
        ["pending_update"] = null,
        ["presentment_details"] = null,
        ["schedule"] = null,
        ["start_date"] = s.StartDate,
        ["status"] = s.Status,
        ["status_details"] = null,
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
            ["current_trial"] = null,
            ["current_period_end"] = i.CurrentPeriodEnd,
            ["current_period_start"] = i.CurrentPeriodStart,
            ["discounts"] = new JsonArray(),
            ["metadata"] = Metadata(i.Metadata),
            ["plan"] = Plan(Host.CatalogJson(i.PriceId)),
            ["price"] = Host.CatalogJson(i.PriceId)?.DeepClone() ?? i.PriceId,
            ["subscription"] = i.SubscriptionId,
            ["tax_rates"] = new JsonArray(),
        };
        if (i.Quantity is { } q)
        {
            o["quantity"] = q;
        }

        return o;
    }

    /// <summary>The legacy <c>plan</c> view of a recurring price that items still carry.</summary>
    private static JsonObject? Plan(JsonObject? price)
    {
        if (price?["recurring"] is not JsonObject recurring)
        {
            return null;
        }

        return new JsonObject
        {
            ["id"] = price["id"]?.DeepClone(),
            ["object"] = "plan",
            ["active"] = price["active"]?.DeepClone(),
            ["amount"] = price["unit_amount"]?.DeepClone(),
            ["amount_decimal"] = price["unit_amount_decimal"]?.DeepClone(),
            ["billing_scheme"] = price["billing_scheme"]?.DeepClone(),
            ["created"] = price["created"]?.DeepClone(),
            ["currency"] = price["currency"]?.DeepClone(),
            ["interval"] = recurring["interval"]?.DeepClone(),
            ["interval_count"] = recurring["interval_count"]?.DeepClone(),
            ["livemode"] = false,
            ["metadata"] = price["metadata"]?.DeepClone(),
            ["meter"] = recurring["meter"]?.DeepClone(),
            ["nickname"] = price["nickname"]?.DeepClone(),
            ["product"] = price["product"]?.DeepClone(),
            ["tiers_mode"] = price["tiers_mode"]?.DeepClone(),
            ["transform_usage"] = null,
            ["trial_period_days"] = recurring["trial_period_days"]?.DeepClone(),
            ["usage_type"] = recurring["usage_type"]?.DeepClone(),
        };
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
}
