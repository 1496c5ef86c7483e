using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tally.Api.Features.Mirror;

internal sealed class MirroredProduct
{
    public long Id { get; set; }

    public required string StripeProductId { get; set; }

    public string? Name { get; set; }

    public bool Active { get; set; }

    public bool Deleted { get; set; }

    public DateTimeOffset StripeCreated { get; set; }

    public DateTimeOffset SourceTimestamp { get; set; }

    /// <summary>Bumped on every write; a concurrency token, so of two writers racing on the row one must read it again.</summary>
    public int Version { get; set; }
}

internal sealed class MirroredProductConfiguration : IEntityTypeConfiguration<MirroredProduct>
{
    public void Configure(EntityTypeBuilder<MirroredProduct> e)
    {
        e.Property(x => x.Version).IsConcurrencyToken();
        e.ToTable("products");
        e.StripeId(p => p.StripeProductId);
        e.Property(p => p.Name).HasMaxLength(255);
    }
}
