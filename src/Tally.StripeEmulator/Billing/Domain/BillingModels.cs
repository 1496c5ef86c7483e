namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>What billing needs to know of the catalog the core owns.</summary>
internal sealed record CustomerInfo(string Id, string? TestClockId, string? DefaultPaymentMethodId, string InvoicePrefix, bool Deleted);

internal sealed record PaymentMethodInfo(string Id, string? CustomerId, bool FailsCharges, string? DeclineCode);

internal sealed record PriceTier(long? UpTo, decimal UnitAmountDecimal, decimal FlatAmountDecimal);

internal sealed record PriceInfo(
    string Id, string ProductId, string Currency, decimal UnitAmountDecimal, bool Active,
    string? Interval, long IntervalCount, string UsageType, string? MeterId, string? Nickname)
{
    public bool IsRecurring => Interval is not null;
    public bool IsMetered => UsageType == "metered";

    /// <summary>graduated | volume when the price is tiered.</summary>
    public string? TiersMode { get; init; }
    public IReadOnlyList<PriceTier> Tiers { get; init; } = [];
    public long? TransformDivideBy { get; init; }
    public string? TransformRound { get; init; }

    /// <summary>True when the amount is not simply quantity × unit amount.</summary>
    public bool HasSpecialPricing => TiersMode is not null || TransformDivideBy is not null;
}

internal sealed record CouponInfo(string Id, decimal? PercentOff, long? AmountOff, string? Currency, string Duration, long? DurationInMonths, bool Valid, string? Name);

internal sealed class Meter
{
    public required string Id { get; init; }
    public required string EventName { get; set; }
    public required string DisplayName { get; set; }
    public required string Formula { get; init; }
    public required string CustomerPayloadKey { get; init; }
    public required string ValuePayloadKey { get; init; }
    public string? EventTimeWindow { get; init; }
    public string Status { get; set; } = "active";
    public long? DeactivatedAt { get; set; }
    public long Created { get; init; }
    public long Updated { get; set; }
}

internal sealed class TestClock
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public long FrozenTime { get; set; }
    public string Status { get; set; } = "ready";
    public long Created { get; init; }
    public bool Deleted { get; set; }
}

internal sealed class SubscriptionDiscount
{
    public required string Id { get; init; }
    public required string CouponId { get; init; }
    public required string CustomerId { get; init; }
    public required string SubscriptionId { get; init; }
    public long Start { get; init; }
    public long? End { get; init; }
    /// <summary>"once" coupons are spent by the first invoice that uses them.</summary>
    public bool Spent { get; set; }

    /// <summary>No longer on the subscription (expired or replaced); kept so invoices can still expand it.</summary>
    public bool Removed { get; set; }
}

internal sealed class SubscriptionItem
{
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string PriceId { get; set; }
    /// <summary>Null for metered items (Stripe omits quantity on them).</summary>
    public long? Quantity { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public long Created { get; init; }
    public long CurrentPeriodStart { get; set; }
    public long CurrentPeriodEnd { get; set; }
}

internal sealed class Subscription
{
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public string? TestClockId { get; init; }
    public string Status { get; set; } = "incomplete";
    public List<SubscriptionItem> Items { get; } = [];
    public string? DefaultPaymentMethodId { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public required string Currency { get; init; }
    public required string Interval { get; init; }
    public long IntervalCount { get; init; } = 1;
    public long Created { get; init; }
    public long StartDate { get; init; }
    public long BillingCycleAnchor { get; set; }
    public long? TrialStart { get; set; }
    public long? TrialEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public long? CancelAt { get; set; }
    public long? CanceledAt { get; set; }
    public long? EndedAt { get; set; }
    public string? LatestInvoiceId { get; set; }
    /// <summary>Every discount the subscription ever had; the current ones are those not <c>Removed</c>.</summary>
    public List<SubscriptionDiscount> Discounts { get; } = [];

    public IEnumerable<SubscriptionDiscount> ActiveDiscounts => Discounts.Where(d => !d.Removed);
    public string? Description { get; set; }
    /// <summary>Unpaid draft-to-open moment and retries are driven by invoices; this is the incomplete expiry.</summary>
    public long? IncompleteExpiresAt { get; set; }
    public long Sequence { get; init; }
    public bool TrialWillEndSent { get; set; }

    /// <summary>Proration lines waiting for the next invoice (<c>proration_behavior=create_prorations</c>).</summary>
    public List<InvoiceLine> PendingProrations { get; } = [];

    public long PeriodStart => Items.Count == 0 ? StartDate : Items[0].CurrentPeriodStart;
    public long PeriodEnd => Items.Count == 0 ? StartDate : Items[0].CurrentPeriodEnd;
    public bool IsLive => Status is not ("canceled" or "incomplete_expired");
}

internal sealed class InvoiceLine
{
    public required string Id { get; init; }
    public required string Description { get; set; }
    public required string PriceId { get; init; }
    public string? SubscriptionItemId { get; init; }
    public decimal Quantity { get; set; }
    public decimal UnitAmountDecimal { get; init; }
    public long Amount { get; set; }
    public long PeriodStart { get; init; }
    public long PeriodEnd { get; init; }
    public bool Metered { get; init; }
    /// <summary>A credit or debit for part of a period after a quantity, price or item change.</summary>
    public bool Proration { get; init; }

    /// <summary>Amount from the price's tiers / transform_quantity rather than quantity × unit amount.</summary>
    public bool PriceDriven { get; init; }
    public List<(string DiscountId, long Amount)> DiscountAmounts { get; set; } = [];

    /// <summary>Set on a line that bills a one-off invoice item (then <see cref="PriceId"/> may be "", no price).</summary>
    public string? InvoiceItemId { get; init; }
}

/// <summary>A one-off <c>invoiceitem</c>: pending until it lands on the customer's next (draft or cycle) invoice.</summary>
internal sealed class InvoiceItem
{
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public required string Currency { get; init; }
    public string? PriceId { get; init; }
    public string? ProductId { get; init; }
    public decimal Quantity { get; init; } = 1;
    public decimal UnitAmountDecimal { get; init; }
    public string Description { get; init; } = "";
    public long Date { get; init; }
    public string? TestClockId { get; init; }
    public string? InvoiceId { get; set; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public long Amount => (long)decimal.Round(UnitAmountDecimal * Quantity, MidpointRounding.AwayFromZero);
}

internal sealed class Invoice
{
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public string? SubscriptionId { get; init; }
    public string? TestClockId { get; init; }
    public required string Currency { get; init; }
    public required string BillingReason { get; init; }
    public string Status { get; set; } = "draft";
    public string? Number { get; set; }
    public long Created { get; init; }
    public long PeriodStart { get; init; }
    public long PeriodEnd { get; init; }
    public List<InvoiceLine> Lines { get; } = [];
    public List<string> DiscountIds { get; } = [];
    public List<(string DiscountId, long Amount)> TotalDiscountAmounts { get; set; } = [];
    public long Subtotal { get; set; }
    public long Total { get; set; }
    public long AmountPaid { get; set; }
    public long AttemptCount { get; set; }
    public bool Attempted { get; set; }
    public long? NextPaymentAttempt { get; set; }
    public long? AutomaticallyFinalizesAt { get; set; }
    public long? FinalizedAt { get; set; }
    public long? PaidAt { get; set; }
    public long? VoidedAt { get; set; }
    public string? PdfToken { get; set; }
    public Dictionary<string, string> SubscriptionMetadata { get; set; } = [];
    public long Sequence { get; init; }

    /// <summary>A negative total (credit prorations) is not charged; Stripe would credit the customer balance.</summary>
    public long AmountDue => Status == "void" ? 0 : Math.Max(0, Total);
    public long AmountRemaining => Status is "void" or "paid" ? 0 : Math.Max(0, Total - AmountPaid);
}
