using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Usage;

internal static class UsageStatus
{
    public const string Pending = "pending";
    public const string Reported = "reported";
    public const string Failed = "failed";

    /// <summary>Not a stored status: the filter for records flagged <see cref="UsageRecord.Late"/>.</summary>
    public const string Late = "late";
}

internal static class UsageKind
{
    public const string Report = "report";
    public const string Correction = "correction";
}

/// <summary>
/// One accepted usage report: the audit ledger. Rows are never deleted; a wrong report is corrected by
/// a compensating record. The delivery columns say where the quantity went: the billing period it is
/// counted in (for a late report, a later one than its own timestamp's) and the batch it was sent in.
/// </summary>
internal sealed class UsageRecord
{
    public long Id { get; set; }

    public long UserId { get; set; }

    public required string StripeCustomerId { get; set; }

    public required string StripeSubscriptionItemId { get; set; }

    /// <summary>The Stripe meter's <c>event_name</c> the item's price points at.</summary>
    public required string MeterEventName { get; set; }

    public required string MeterId { get; set; }

    public decimal Quantity { get; set; }

    /// <summary>When the usage happened (as reported; defaults to when it was received).</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>Start of the billing period the quantity is delivered into.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    public DateTimeOffset PeriodEnd { get; set; }

    /// <summary>The report's own period was already invoiced: it is delivered into <see cref="PeriodStart"/>'s period instead.</summary>
    public bool Late { get; set; }

    public string Kind { get; set; } = UsageKind.Report;

    public string Status { get; set; } = UsageStatus.Pending;

    /// <summary>The client's <c>Idempotency-Key</c>, unique per user.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>SHA-256 of the request as sent, to tell a retry from another request reusing the key.</summary>
    public string? RequestHash { get; set; }

    /// <summary>The client's metadata, a JSON object.</summary>
    public string? Metadata { get; set; }

    /// <summary>A correction's reason, or why delivery failed.</summary>
    public string? Note { get; set; }

    /// <summary>The admin who made a correction.</summary>
    public string? Actor { get; set; }

    /// <summary>The batch the record is (being) delivered in: the meter event's <c>identifier</c>.</summary>
    public string? BatchId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ReportedAt { get; set; }

    /// <summary>The W3C <c>traceparent</c> of the request that reported it, kept only while tracing is on: its flush joins that trace (docs/adr/0013).</summary>
    public string? TraceParent { get; set; }
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> e)
    {
        e.ToTable("usage_records");
        e.Property(r => r.StripeCustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(r => r.StripeSubscriptionItemId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(r => r.MeterEventName).HasMaxLength(100);
        e.Property(r => r.MeterId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(r => r.Quantity).HasPrecision(30, 12);
        e.Property(r => r.Kind).HasMaxLength(16);
        e.Property(r => r.Status).HasMaxLength(16);
        e.Property(r => r.IdempotencyKey).HasMaxLength(255);
        e.Property(r => r.RequestHash).HasMaxLength(64);
        e.Property(r => r.Metadata).HasMaxLength(UsageRules.MaxMetadataBytes);
        e.Property(r => r.Note).HasMaxLength(1000);
        e.Property(r => r.Actor).HasMaxLength(320);
        e.Property(r => r.BatchId).HasMaxLength(100);
        e.Property(r => r.TraceParent).HasMaxLength(55);
        // The idempotency record: the database decides between two requests with one key.
        e.HasIndex(r => new { r.UserId, r.IdempotencyKey }).IsUnique();
        // The caller's records newest first, and the summary of an item's period.
        e.HasIndex(r => new { r.UserId, r.Id });
        e.HasIndex(r => new { r.StripeSubscriptionItemId, r.PeriodStart });
        // The flusher's work: pending records not yet in a batch, by delivery group.
        e.HasIndex(r => new { r.Status, r.BatchId, r.StripeCustomerId, r.MeterEventName, r.PeriodStart });
        e.HasIndex(r => r.BatchId);
        // The admins' dashboard: intake and backlog per minute, the current periods, the corrections and late records newest first.
        e.HasIndex(r => r.CreatedAt);
        e.HasIndex(r => r.ReportedAt);
        e.HasIndex(r => r.PeriodEnd);
        e.HasIndex(r => r.Id, "ix_usage_records_corrections").HasDatabaseName("ix_usage_records_corrections").HasFilter("kind = 'correction'");
        e.HasIndex(r => r.Id, "ix_usage_records_late").HasDatabaseName("ix_usage_records_late").HasFilter("late");
    }
}
