using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>A discount (coupon) applied to a subscription; kept once removed, with <see cref="End"/> when it stopped applying.</summary>
internal sealed class SubscriptionDiscount
{
    public long Id { get; set; }

    public required string StripeDiscountId { get; set; }

    public required string StripeSubscriptionId { get; set; }

    public required string CouponId { get; set; }

    public decimal? PercentOff { get; set; }

    public long? AmountOff { get; set; }

    public string? Currency { get; set; }

    /// <summary><c>once</c>, <c>repeating</c> or <c>forever</c>.</summary>
    public required string Duration { get; set; }

    public long? DurationInMonths { get; set; }

    public DateTimeOffset? Start { get; set; }

    public DateTimeOffset? End { get; set; }
}

internal sealed class SubscriptionDiscountConfiguration : IEntityTypeConfiguration<SubscriptionDiscount>
{
    public void Configure(EntityTypeBuilder<SubscriptionDiscount> e)
    {
        e.ToTable("subscription_discounts");
        e.StripeId(d => d.StripeDiscountId);
        e.Property(d => d.StripeSubscriptionId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(d => d.StripeSubscriptionId);
        e.Property(d => d.CouponId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(d => d.PercentOff).HasPrecision(9, 4);
        e.Property(d => d.Currency).HasMaxLength(3);
        e.Property(d => d.Duration).HasMaxLength(16);
    }
}
