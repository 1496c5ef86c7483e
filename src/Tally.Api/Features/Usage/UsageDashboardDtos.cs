namespace Tally.Api.Features.Usage;

/// <summary>One minute <c>[at, at + 1 min)</c>: reports accepted (records created) in it, and the records waiting for delivery at its end.</summary>
public sealed record UsageActivityMinute(DateTimeOffset At, int Accepted, int PendingAtEnd);

/// <summary>The last <c>minutes</c> minutes, oldest first (the last one is the current, partial minute; its end is now).</summary>
public sealed record UsageActivityResponse(
    int Minutes, DateTimeOffset From, DateTimeOffset To, long Pending, double? OldestPendingSeconds, IReadOnlyList<UsageActivityMinute> Points);

/// <summary>A customer's usage of one meter in its current billing period (all records, delivered or not, corrections included).</summary>
public sealed record TopUsageCustomer(
    long UserId, string? Email, string StripeCustomerId, string MeterEventName, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, decimal Quantity,
    int Records);

public sealed record TopUsageCustomersResponse(DateTimeOffset AsOf, IReadOnlyList<TopUsageCustomer> Data);

/// <summary>A correction made by an admin: a compensating record (<c>reason</c> and <c>actor</c> as recorded).</summary>
public sealed record UsageCorrectionResponse(
    long Id, long UserId, string StripeCustomerId, string StripeSubscriptionItemId, decimal Quantity, DateTimeOffset Timestamp, string? Reason,
    string? Actor, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ReportedAt);
