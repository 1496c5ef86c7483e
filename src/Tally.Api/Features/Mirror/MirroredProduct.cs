using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

internal sealed class MirroredProduct : IMirroredRow
{
    public long Id { get; set; }

    public required string StripeProductId { get; set; }

    public string? Name { get; set; }

    public bool Active { get; set; }

    public bool Deleted { get; set; }

    public DateTimeOffset StripeCreated { get; set; }

    public DateTimeOffset SourceTimestamp { get; set; }

    public int Version { get; set; }
}

internal sealed class MirroredProductConfiguration : IEntityTypeConfiguration<MirroredProduct>
{
    public void Configure(EntityTypeBuilder<MirroredProduct> e)
    {
        e.ToTable("products");
        e.StripeId(p => p.StripeProductId);
        e.Property(p => p.Name).HasMaxLength(255);
    }
}
