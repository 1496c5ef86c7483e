using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>
/// What a subscription looked like from <see cref="ValidFrom"/> until <see cref="ValidTo"/> (exclusive;
/// null = still true), in Stripe's time: the <c>created</c> of the event that carried the state.
/// </summary>
internal sealed class SubscriptionHistory
{
    public long Id { get; set; }

    public required string StripeSubscriptionId { get; set; }

    public required string StripeCustomerId { get; set; }

    public required string Status { get; set; }

    /// <summary>JSON array of <c>{item, price, quantity}</c>.</summary>
    public required string Items { get; set; }

    /// <summary>JSON array of <c>{id, coupon, percent_off, amount_off, currency, duration, start, end}</c>.</summary>
    public required string Discounts { get; set; }

    public bool CancelAtPeriodEnd { get; set; }

    public DateTimeOffset? CancelAt { get; set; }

    public DateTimeOffset? CanceledAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public DateTimeOffset? TrialEnd { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    /// <summary>Deterministic rank among states with the same <see cref="ValidFrom"/> (see <c>MirrorWriter</c>).</summary>
    public int Rank { get; set; }

    public required string SourceEventId { get; set; }
}

internal sealed class SubscriptionHistoryConfiguration : IEntityTypeConfiguration<SubscriptionHistory>
{
    public void Configure(EntityTypeBuilder<SubscriptionHistory> e)
    {
        e.ToTable("subscription_history");
        e.Property(h => h.StripeSubscriptionId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(h => h.StripeCustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(h => new { h.StripeSubscriptionId, h.ValidFrom }).IsUnique();
        e.HasIndex(h => new { h.ValidFrom, h.ValidTo });
        e.Property(h => h.Status).HasMaxLength(32);
        e.Property(h => h.SourceEventId).HasMaxLength(StripeColumns.StripeIdLength);
    }
}
