using Tally.Api.Features.Usage;

namespace Tally.Api.Tests.Support;

/// <summary>Usage ledger rows written straight to the database, with the timestamps a test needs.</summary>
internal static class LedgerRows
{
    public static UsageRecord Record(
        long userId, DateTimeOffset createdAt, DateTimeOffset? reportedAt = null, string? status = null, decimal quantity = 1,
        string customer = "cus_ledger", string meter = "api_calls", DateTimeOffset? periodStart = null, DateTimeOffset? periodEnd = null,
        string kind = UsageKind.Report, bool late = false, string? note = null, string? actor = null) => new()
        {
            UserId = userId,
            StripeCustomerId = customer,
            StripeSubscriptionItemId = $"si_{customer}",
            MeterEventName = meter,
            MeterId = "mtr_ledger",
            Quantity = quantity,
            Timestamp = createdAt,
            PeriodStart = periodStart ?? createdAt.AddDays(-1),
            PeriodEnd = periodEnd ?? createdAt.AddDays(29),
            Status = status ?? (reportedAt is null ? UsageStatus.Pending : UsageStatus.Reported),
            ReportedAt = reportedAt,
            CreatedAt = createdAt,
            Kind = kind,
            Late = late,
            Note = note,
            Actor = actor,
        };

    /// <summary>Adds the records; each delivered one (with <c>ReportedAt</c>) in a sent batch of its own, as the flusher leaves it.</summary>
    public static async Task AddAsync(TallyFactory factory, params UsageRecord[] records) =>
        await factory.WithDbAsync(async db =>
        {
            foreach (var r in records.Where(r => r.ReportedAt is not null && r.BatchId is null))
            {
                var batch = new UsageBatch
                {
                    Id = $"ub_ledger_{Guid.NewGuid():N}",
                    StripeCustomerId = r.StripeCustomerId,
                    MeterEventName = r.MeterEventName,
                    PeriodStart = r.PeriodStart,
                    PeriodEnd = r.PeriodEnd,
                    Quantity = r.Quantity,
                    Value = (long)r.Quantity,
                    Timestamp = r.Timestamp,
                    Status = BatchStatus.Sent,
                    CreatedAt = r.CreatedAt,
                    NextAttemptAt = r.CreatedAt,
                    SentAt = r.ReportedAt,
                };
                db.Add(batch);
                r.BatchId = batch.Id;
            }

            db.AddRange(records);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
}
