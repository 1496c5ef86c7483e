using System.Text.Json;

namespace Tally.Api.Features.Usage;

/// <summary><c>report_usage</c>: <c>metadata</c> is a JSON object or a string holding one (the original API sent <c>"{}"</c>).</summary>
public sealed record ReportUsageRequest(decimal? Quantity, string? SubscriptionItemId, JsonElement? Metadata, DateTimeOffset? Timestamp, long? UserId);

/// <summary>One event of a batch; its <c>idempotency_key</c> is required.</summary>
public sealed record BatchUsageEvent(decimal? Quantity, string? SubscriptionItemId, JsonElement? Metadata, DateTimeOffset? Timestamp, string? IdempotencyKey);

public sealed record BatchUsageRequest(List<JsonElement>? Events, long? UserId);

public sealed record UsageRecordResponse(
    long Id, long UserId, string StripeSubscriptionItemId, decimal Quantity, DateTimeOffset Timestamp, DateTimeOffset? ReportedAt, string Status,
    bool Late, string Kind, string? StripeReportId, JsonElement? Metadata, string? IdempotencyKey, string? Note, DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd, DateTimeOffset CreatedAt);

public sealed record RejectedUsage(int Index, string Code, string Message);

public sealed record BatchUsageResponse(int Accepted, int Duplicates, IReadOnlyList<RejectedUsage> Rejected, IReadOnlyList<UsageRecordResponse> Records);

public sealed record CorrectionRequest(long? UserId, string? SubscriptionItemId, decimal? Quantity, DateTimeOffset? Timestamp, string? Reason);

public sealed record UsageSummaryItem(
    string SubscriptionItemId, string SubscriptionId, string? PriceId, string MeterEventName, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    decimal LocalTotal, decimal DeliveredTotal, decimal PendingTotal, decimal FailedTotal, decimal? StripeTotal, string Currency,
    long? EstimatedAmount);

public sealed record UsageSummaryResponse(long UserId, IReadOnlyList<UsageSummaryItem> Items);

public sealed record ReconciliationRow(
    string StripeCustomerId, long? UserId, string MeterEventName, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, decimal LocalTotal,
    decimal DeliveredTotal, decimal? StripeTotal, decimal? Difference);

public sealed record ReconciliationResponse(string Period, IReadOnlyList<ReconciliationRow> Rows);

public sealed record UsageHealthResponse(
    long Pending, double? OldestPendingSeconds, long Failed, long Late, long OpenBatches, DateTimeOffset? LastFlushAt, string? LastStripeError,
    int QueueDepth, string Mode);

public sealed record RetryFailedResponse(int Retried);

internal static class UsageMapping
{
    public static UsageRecordResponse ToResponse(this UsageRecord r) => new(
        r.Id, r.UserId, r.StripeSubscriptionItemId, UsageRules.Normalized(r.Quantity), r.Timestamp, r.ReportedAt, r.Status, r.Late, r.Kind, r.BatchId,
        r.Metadata is null ? null : JsonDocument.Parse(r.Metadata).RootElement.Clone(), r.IdempotencyKey, r.Note, r.PeriodStart, r.PeriodEnd,
        r.CreatedAt);
}
