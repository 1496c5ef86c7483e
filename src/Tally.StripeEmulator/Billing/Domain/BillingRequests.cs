namespace Tally.StripeEmulator.Billing.Domain;

internal sealed record ItemRequest(string? Id, string? Price, long? Quantity, bool Deleted, Dictionary<string, string>? Metadata);

internal sealed record CreateSubscriptionRequest(
    string? Customer,
    List<ItemRequest> Items,
    long? TrialEnd,
    bool TrialEndNow,
    long? TrialPeriodDays,
    string PaymentBehavior,
    string? DefaultPaymentMethod,
    List<string> Coupons,
    Dictionary<string, string>? Metadata,
    bool CancelAtPeriodEnd,
    long? CancelAt,
    long? BillingCycleAnchor,
    string? Description);

internal sealed record UpdateSubscriptionRequest(
    List<ItemRequest>? Items,
    bool? CancelAtPeriodEnd,
    long? CancelAt,
    bool ClearCancelAt,
    string? DefaultPaymentMethod,
    List<string>? Coupons,
    Dictionary<string, string>? Metadata,
    long? TrialEnd,
    bool TrialEndNow,
    string? PaymentBehavior,
    string? Description,
    string ProrationBehavior = "create_prorations");
