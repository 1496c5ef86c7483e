using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tally.Api.Features.Users;

/// <summary>An append-only record of a privileged change: who did what to which object.</summary>
internal sealed class AuditLogEntry
{
    public long Id { get; set; }

    /// <summary>The user who acted; null for the command line.</summary>
    public long? ActorUserId { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string TargetType { get; set; }

    public required string TargetId { get; set; }

    public string? OldValue { get; set; }

    public string? NewValue { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class AuditLogEntryConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> entry)
    {
        entry.ToTable("audit_log");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Actor).HasMaxLength(320);
        entry.Property(e => e.Action).HasMaxLength(64);
        entry.Property(e => e.TargetType).HasMaxLength(64);
        entry.Property(e => e.TargetId).HasMaxLength(255);
        entry.Property(e => e.OldValue).HasMaxLength(255);
        entry.Property(e => e.NewValue).HasMaxLength(255);
        entry.HasIndex(e => new { e.TargetType, e.TargetId });
        entry.HasIndex(e => e.CreatedAt);
    }
}
