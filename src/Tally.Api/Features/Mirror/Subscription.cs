using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>A Stripe subscription as last seen (the seed's <c>subscriptions</c> table).</summary>
internal sealed class Subscription : IMirroredRow
{
    public long Id { get; set; }

    public required string StripeSubscriptionId { get; set; }

    public required string StripeCustomerId { get; set; }

    public long? UserId { get; set; }

    public required string Status { get; set; }

    /// <summary>The metered item usage is reported against (the first metered item), else the first item.</summary>
    public string? StripeSubscriptionItemId { get; set; }

    public string? PriceId { get; set; }

    public string? Currency { get; set; }

    public DateTimeOffset? CurrentPeriodStart { get; set; }

    public DateTimeOffset? CurrentPeriodEnd { get; set; }

    public bool CancelAtPeriodEnd { get; set; }

    public DateTimeOffset? CancelAt { get; set; }

    public DateTimeOffset? CanceledAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public DateTimeOffset? TrialStart { get; set; }

    public DateTimeOffset? TrialEnd { get; set; }

    public DateTimeOffset? StartDate { get; set; }

    public string? LatestInvoiceId { get; set; }

    public DateTimeOffset StripeCreated { get; set; }

    public DateTimeOffset SourceTimestamp { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> e)
    {
        e.ToTable("subscriptions");
        e.StripeId(s => s.StripeSubscriptionId);
        e.Property(s => s.StripeCustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(s => s.StripeCustomerId);
        e.HasIndex(s => s.UserId);
        e.HasIndex(s => s.Status);
        e.Property(s => s.Status).HasMaxLength(32);
        e.StripeRef(s => s.StripeSubscriptionItemId);
        e.HasIndex(s => s.StripeSubscriptionItemId).IsUnique();
        e.StripeRef(s => s.PriceId);
        e.Property(s => s.Currency).HasMaxLength(3);
        e.StripeRef(s => s.LatestInvoiceId);
    }
}
