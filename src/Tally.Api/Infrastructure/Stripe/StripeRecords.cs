namespace Tally.Api.Infrastructure.Stripe;

// Tally's own view of the Stripe objects it uses. The gateway and the webhook processor map
// Stripe.net types into these; nothing past the gateway touches Stripe.net types.

internal sealed record CustomerRecord(
    string Id, string? Email, string? Name, string? DefaultPaymentMethodId, string? Currency, bool Deleted,
    DateTimeOffset Created, IReadOnlyDictionary<string, string> Metadata, string? TestClockId = null);

internal sealed record ProductRecord(string Id, string? Name, bool Active, bool Deleted, DateTimeOffset Created);

internal sealed record PriceRecord(
    string Id, string? ProductId, string Currency, long? UnitAmount, decimal? UnitAmountDecimal, string Type, string? BillingScheme,
    string? Interval, long IntervalCount, string? UsageType, string? MeterId, bool Active, string? Nickname, string? LookupKey,
    bool Deleted, DateTimeOffset Created);

internal sealed record SubscriptionItemRecord(
    string Id, PriceRecord Price, long? Quantity, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd, DateTimeOffset Created);

internal sealed record DiscountRecord(
    string Id, string CouponId, decimal? PercentOff, long? AmountOff, string? Currency, string Duration, long? DurationInMonths,
    DateTimeOffset? Start, DateTimeOffset? End);

internal sealed record SubscriptionRecord(
    string Id, string CustomerId, string Status, string? Currency, IReadOnlyList<SubscriptionItemRecord> Items,
    IReadOnlyList<DiscountRecord> Discounts, bool CancelAtPeriodEnd, DateTimeOffset? CancelAt, DateTimeOffset? CanceledAt,
    DateTimeOffset? EndedAt, DateTimeOffset? TrialStart, DateTimeOffset? TrialEnd, DateTimeOffset? StartDate, string? LatestInvoiceId,
    DateTimeOffset Created, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The item usage is reported against: the first metered item, else the first item.</summary>
    public SubscriptionItemRecord? PrimaryItem => Items.FirstOrDefault(i => i.Price.UsageType == "metered") ?? Items.FirstOrDefault();
}

internal sealed record InvoiceRecord(
    string Id, string CustomerId, string? SubscriptionId, string? Number, string Status, long AmountDue, long AmountPaid,
    long AmountRemaining, long Subtotal, long Total, string Currency, string? BillingReason, DateTimeOffset Created,
    DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, DateTimeOffset? PaidAt, string? HostedInvoiceUrl, string? InvoicePdf,
    IReadOnlyList<InvoiceLineRecord>? Lines = null);

/// <summary>One invoice line (subscription item lines carry their price and period; usage lines are the metered ones).</summary>
internal sealed record InvoiceLineRecord(
    string Id, string? SubscriptionId, string? SubscriptionItemId, string? PriceId, long Amount, decimal? Quantity, bool Proration,
    DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd);

internal sealed record PaymentMethodRecord(string Id, string Type, string? Brand, string? Last4, bool IsDefault);
