using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// Stripe objects Tally created for itself in emulator mode (product, meter, price) and other facts
/// about the Stripe account (the demo's test clock), remembered across restarts. Read and written
/// through <see cref="StripeSettings"/> only.
/// </summary>
internal sealed class StripeSetting
{
    public const string ProductId = "product_id";
    public const string MeterId = "meter_id";
    public const string MeterEventName = "meter_event_name";
    public const string PriceMeteredId = "price_metered_id";
    public const string InstallationId = "installation_id";

    /// <summary>Emulator mode: the id and directory of the embedded emulator state this database goes with.</summary>
    public const string EmulatorState = "emulator_state";

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

internal static class StripeSettings
{
    public static Task<bool> HasStripeSettingAsync(this TallyDbContext db, string key, CancellationToken ct) =>
        db.Set<StripeSetting>().AnyAsync(s => s.Key == key, ct);

    public static Task<Dictionary<string, string>> StripeSettingsAsync(this TallyDbContext db, CancellationToken ct) =>
        db.Set<StripeSetting>().ToDictionaryAsync(s => s.Key, s => s.Value, ct);

    /// <summary>Remembers the values (new keys only; a key is unique) in one save.</summary>
    public static async Task RememberStripeSettingsAsync(this TallyDbContext db, IEnumerable<KeyValuePair<string, string>> values, CancellationToken ct)
    {
        db.AddRange(values.Select(kv => new StripeSetting { Key = kv.Key, Value = kv.Value }));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The value of <paramref name="key"/>, stored as <paramref name="create"/> makes it when absent; the first writer wins a race.</summary>
    public static async Task<string> EnsureStripeSettingAsync(this TallyDbContext db, string key, Func<string> create, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await db.Set<StripeSetting>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, ct) is { } existing)
            {
                return existing.Value;
            }

            var row = new StripeSetting { Key = key, Value = create() };
            db.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return row.Value;
            }
            catch (DbUpdateException ex) when (attempt < 3 && ex.IsUniqueViolation())
            {
                // Another instance starting at the same moment stored its value first: read that one.
                db.ChangeTracker.Clear();
            }
        }
    }
}
