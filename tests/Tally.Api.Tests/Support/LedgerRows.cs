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

    public static async Task AddAsync(TallyFactory factory, params UsageRecord[] records) =>
        await factory.WithDbAsync(async db =>
        {
            db.AddRange(records);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
}
