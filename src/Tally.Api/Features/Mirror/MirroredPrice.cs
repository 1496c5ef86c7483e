using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>A Stripe price. Amounts and recurring terms are immutable in Stripe; only the flags change.</summary>
internal sealed class MirroredPrice : IMirroredRow
{
    public long Id { get; set; }

    public required string StripePriceId { get; set; }

    public string? StripeProductId { get; set; }

    public required string Currency { get; set; }

    public long? UnitAmount { get; set; }

    public decimal? UnitAmountDecimal { get; set; }

    public string Type { get; set; } = "recurring";

    public string? BillingScheme { get; set; }

    public string? RecurringInterval { get; set; }

    public long RecurringIntervalCount { get; set; } = 1;

    public string? UsageType { get; set; }

    public string? MeterId { get; set; }

    public bool Active { get; set; }

    public string? Nickname { get; set; }

    public string? LookupKey { get; set; }

    public bool Deleted { get; set; }

    public DateTimeOffset StripeCreated { get; set; }

    public DateTimeOffset SourceTimestamp { get; set; }

    public int Version { get; set; }
}

internal sealed class MirroredPriceConfiguration : IEntityTypeConfiguration<MirroredPrice>
{
    public void Configure(EntityTypeBuilder<MirroredPrice> e)
    {
        e.ToTable("prices");
        e.StripeId(p => p.StripePriceId);
        e.StripeRef(p => p.StripeProductId);
        e.Property(p => p.Currency).HasMaxLength(3);
        e.Property(p => p.UnitAmountDecimal).HasPrecision(38, 12);
        e.Property(p => p.Type).HasMaxLength(16);
        e.Property(p => p.BillingScheme).HasMaxLength(16);
        e.Property(p => p.RecurringInterval).HasMaxLength(8);
        e.Property(p => p.UsageType).HasMaxLength(16);
        e.StripeRef(p => p.MeterId);
        e.Property(p => p.Nickname).HasMaxLength(255);
        e.Property(p => p.LookupKey).HasMaxLength(255);
    }
}
