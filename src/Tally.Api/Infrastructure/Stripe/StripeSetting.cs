using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>Stripe objects Tally created for itself in emulator mode (product, meter, price), remembered across restarts.</summary>
internal sealed class StripeSetting
{
    public const string ProductId = "product_id";
    public const string MeterId = "meter_id";
    public const string MeterEventName = "meter_event_name";
    public const string PriceMeteredId = "price_metered_id";

    public required string Key { get; set; }

    public required string Value { get; set; }
}

internal sealed class StripeSettingConfiguration : IEntityTypeConfiguration<StripeSetting>
{
    public void Configure(EntityTypeBuilder<StripeSetting> e)
    {
        e.ToTable("stripe_settings");
        e.HasKey(s => s.Key);
        e.Property(s => s.Key).HasMaxLength(64);
        e.Property(s => s.Value).HasMaxLength(255);
    }
}
