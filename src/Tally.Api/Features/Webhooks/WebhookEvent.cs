using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Webhooks;

internal static class WebhookStatus
{
    public const string Pending = "pending";
    public const string Processed = "processed";
    public const string Ignored = "ignored";
    public const string Failed = "failed";
}

/// <summary>The inbox: one row per Stripe event id, the raw verified body, and its processing state.</summary>
internal sealed class WebhookEvent
{
    public const int TypeLength = 128;

    public const int ApiVersionLength = 64;

    public long Id { get; set; }

    public required string StripeEventId { get; set; }

    public required string Type { get; set; }

    public string? ApiVersion { get; set; }

    /// <summary>The event's <c>created</c>: Stripe's time, used to order states.</summary>
    public DateTimeOffset StripeCreated { get; set; }

    /// <summary>The id of <c>data.object</c>, so events of one object can be serialised.</summary>
    public string? ObjectId { get; set; }

    public required string Payload { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string Status { get; set; } = WebhookStatus.Pending;

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A claim by one processor until this time (lease), so instances never process the same row at once.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public string? LockedBy { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> e)
    {
        e.ToTable("webhook_events");
        e.StripeId(w => w.StripeEventId);
        e.Property(w => w.Type).HasMaxLength(WebhookEvent.TypeLength);
        e.Property(w => w.ApiVersion).HasMaxLength(WebhookEvent.ApiVersionLength);
        e.StripeRef(w => w.ObjectId);
        e.Property(w => w.Status).HasMaxLength(16);
        e.Property(w => w.LockedBy).HasMaxLength(128);
        e.Property(w => w.LastError).HasMaxLength(2000);
        e.HasIndex(w => new { w.Status, w.NextAttemptAt });
    }
}
