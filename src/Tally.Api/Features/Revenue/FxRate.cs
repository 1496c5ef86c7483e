using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// One unit of <see cref="Currency"/> is worth <see cref="Rate"/> units of <see cref="QuoteCurrency"/>
/// from <see cref="EffectiveDate"/> (UTC) until the currency's next dated rate.
/// </summary>
internal sealed class FxRate
{
    public long Id { get; set; }

    public required string Currency { get; set; }

    public required string QuoteCurrency { get; set; }

    public DateOnly EffectiveDate { get; set; }

    public decimal Rate { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class FxRateConfiguration : IEntityTypeConfiguration<FxRate>
{
    public void Configure(EntityTypeBuilder<FxRate> e)
    {
        e.ToTable("fx_rates");
        e.Property(r => r.Currency).HasMaxLength(3);
        e.Property(r => r.QuoteCurrency).HasMaxLength(3);
        e.Property(r => r.Rate).HasPrecision(28, 12);
        e.HasIndex(r => new { r.Currency, r.QuoteCurrency, r.EffectiveDate }).IsUnique();
    }
}
