using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Usage;

internal static class BatchStatus
{
    /// <summary>Written, records assigned, not yet acknowledged by Stripe: sent (again) until it is.</summary>
    public const string Open = "open";
    public const string Sent = "sent";

    /// <summary>Stripe refused it for good (customer deleted, meter inactive): its records are failed.</summary>
    public const string Failed = "failed";
}

/// <summary>
/// One meter event: the pending records of one (customer, meter, billing period) summed, written
/// before Stripe is called. Its id is the meter event's <c>identifier</c>, and its value and timestamp
/// never change, so a crash at any point resends exactly the same event and Stripe's duplicate answer
/// means it was delivered. Fractions stay behind: <see cref="Value"/> is the whole part of what the key
/// owes (its carried remainder plus <see cref="Quantity"/>), rounded half-up in the period's final batch.
/// </summary>
internal sealed class UsageBatch
{
    public required string Id { get; set; }

    public required string StripeCustomerId { get; set; }

    public required string MeterEventName { get; set; }

    public DateTimeOffset PeriodStart { get; set; }

    public DateTimeOffset PeriodEnd { get; set; }

    /// <summary>Sum of the records' quantities.</summary>
    public decimal Quantity { get; set; }

    /// <summary>What the meter event carries: whole units.</summary>
    public long Value { get; set; }

    /// <summary>The period's last batch: the remainder was rounded, nothing more is carried.</summary>
    public bool Final { get; set; }

    /// <summary>The meter event's timestamp, inside the period.</summary>
    public DateTimeOffset Timestamp { get; set; }

    public string Status { get; set; } = BatchStatus.Open;

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A flusher's claim until this time, so two instances never send the same batch at once.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public string? LockedBy { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class UsageBatchConfiguration : IEntityTypeConfiguration<UsageBatch>
{
    public void Configure(EntityTypeBuilder<UsageBatch> e)
    {
        e.ToTable("usage_batches");
        e.HasKey(b => b.Id);
        e.Property(b => b.Id).HasMaxLength(100);
        e.Property(b => b.StripeCustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(b => b.MeterEventName).HasMaxLength(100);
        e.Property(b => b.Quantity).HasPrecision(30, 12);
        e.Property(b => b.Status).HasMaxLength(16);
        e.Property(b => b.LockedBy).HasMaxLength(128);
        e.Property(b => b.LastError).HasMaxLength(1000);
        e.HasIndex(b => new { b.Status, b.NextAttemptAt });
        e.HasIndex(b => new { b.StripeCustomerId, b.MeterEventName, b.PeriodStart });
        e.HasIndex(b => b.SentAt); // the dashboard's deliveries per minute (UsageMinutes)
    }
}
