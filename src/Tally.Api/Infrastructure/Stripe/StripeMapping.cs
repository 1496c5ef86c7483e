namespace Tally.Api.Infrastructure.Stripe;

/// <summary>Stripe.net objects → Tally's records. Timestamps are UTC <see cref="DateTimeOffset"/>s.</summary>
internal static class StripeMapping
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

    /// <summary>Stripe.net reads an absent timestamp as <see cref="DateTime.MinValue"/> or the Unix epoch.</summary>
    private static DateTimeOffset? Present(DateTime value) => value <= DateTime.UnixEpoch ? null : Utc(value);

    public static CustomerRecord ToRecord(this global::Stripe.Customer c) => new(
        c.Id, c.Email, c.Name, c.InvoiceSettings?.DefaultPaymentMethodId, c.Currency, c.Deleted == true, Utc(c.Created),
        c.Metadata ?? NoMetadata, c.TestClockId);

    public static ProductRecord ToRecord(this global::Stripe.Product p) => new(p.Id, p.Name, p.Active, p.Deleted == true, Utc(p.Created));

    public static PriceRecord ToRecord(this global::Stripe.Price p) => new(
        p.Id, p.ProductId, p.Currency ?? "usd", p.UnitAmount, p.UnitAmountDecimal, p.Type ?? "recurring", p.BillingScheme,
        p.Recurring?.Interval, p.Recurring?.IntervalCount is > 0 ? p.Recurring.IntervalCount : 1, p.Recurring?.UsageType,
        p.Recurring?.Meter, p.Active, p.Nickname, p.LookupKey, p.Deleted == true, Utc(p.Created));

    public static SubscriptionRecord ToRecord(this global::Stripe.Subscription s) => new(
        s.Id, s.CustomerId, s.Status, s.Currency,
        (s.Items?.Data ?? []).Select(i => new SubscriptionItemRecord(
            i.Id, i.Price.ToRecord(), i.Price?.Recurring?.UsageType == "metered" ? null : i.Quantity,
            Present(i.CurrentPeriodStart), Present(i.CurrentPeriodEnd), Utc(i.Created))).ToList(),
        (s.Discounts ?? []).Where(d => d?.Source?.Coupon is not null).Select(ToRecord).ToList(),
        s.CancelAtPeriodEnd, Utc(s.CancelAt), Utc(s.CanceledAt), Utc(s.EndedAt), Utc(s.TrialStart), Utc(s.TrialEnd),
        Present(s.StartDate), s.LatestInvoiceId, Utc(s.Created), s.Metadata ?? NoMetadata);

    public static DiscountRecord ToRecord(this global::Stripe.Discount d)
    {
        var coupon = d.Source.Coupon;
        return new DiscountRecord(d.Id, coupon.Id, coupon.PercentOff, coupon.AmountOff, coupon.Currency, coupon.Duration ?? "once",
            coupon.DurationInMonths, Present(d.Start), Utc(d.End));
    }

    public static InvoiceRecord ToRecord(this global::Stripe.Invoice i) => new(
        i.Id, i.CustomerId, i.Parent?.SubscriptionDetails?.SubscriptionId, i.Number, i.Status ?? "draft", i.AmountDue, i.AmountPaid,
        i.AmountRemaining, i.Subtotal, i.Total, i.Currency ?? "usd", i.BillingReason, Utc(i.Created), Present(i.PeriodStart),
        Present(i.PeriodEnd), Utc(i.StatusTransitions?.PaidAt), i.HostedInvoiceUrl, i.InvoicePdf,
        // An invoice embeds its first lines only; a partial list is not mirrored (the lines stay as they were).
        i.Lines is { HasMore: false } lines ? [.. lines.Data.Select(ToRecord)] : null);

    public static InvoiceLineRecord ToRecord(this global::Stripe.InvoiceLineItem l) => new(
        l.Id, l.Parent?.SubscriptionItemDetails?.Subscription, l.Parent?.SubscriptionItemDetails?.SubscriptionItem, l.Pricing?.PriceDetails?.PriceId,
        l.Amount, l.QuantityDecimal ?? l.Quantity, l.Parent?.SubscriptionItemDetails?.Proration ?? false, l.Period is { } p ? Present(p.Start) : null, l.Period is { } q ? Present(q.End) : null);

    public static PaymentMethodRecord ToRecord(this global::Stripe.PaymentMethod pm, bool isDefault) =>
        new(pm.Id, pm.Type, pm.Card?.Brand, pm.Card?.Last4, isDefault);
}
