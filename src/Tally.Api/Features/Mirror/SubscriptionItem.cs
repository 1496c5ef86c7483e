using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

internal sealed class SubscriptionItem
{
    public long Id { get; set; }

    public required string StripeSubscriptionItemId { get; set; }

    public required string StripeSubscriptionId { get; set; }

    public required string PriceId { get; set; }

    /// <summary>Null for metered items (Stripe sends no quantity for them).</summary>
    public long? Quantity { get; set; }

    public DateTimeOffset? CurrentPeriodStart { get; set; }

    public DateTimeOffset? CurrentPeriodEnd { get; set; }

    /// <summary>Removed from its subscription.</summary>
    public bool Deleted { get; set; }

    public DateTimeOffset StripeCreated { get; set; }
}

internal sealed class SubscriptionItemConfiguration : IEntityTypeConfiguration<SubscriptionItem>
{
    public void Configure(EntityTypeBuilder<SubscriptionItem> e)
    {
        e.ToTable("subscription_items");
        e.StripeId(i => i.StripeSubscriptionItemId);
        e.Property(i => i.StripeSubscriptionId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(i => i.StripeSubscriptionId);
        e.Property(i => i.PriceId).HasMaxLength(StripeColumns.StripeIdLength);
    }
}
