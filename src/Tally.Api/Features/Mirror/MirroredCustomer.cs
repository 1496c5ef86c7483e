using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>A Stripe customer as last seen, linked to a Tally user when one matches.</summary>
internal sealed class MirroredCustomer : IMirroredRow
{
    public long Id { get; set; }

    public required string StripeCustomerId { get; set; }

    public long? UserId { get; set; }

    public string? Email { get; set; }

    public string? Name { get; set; }

    public string? DefaultPaymentMethodId { get; set; }

    public string? Currency { get; set; }

    /// <summary>The Stripe test clock the customer lives on: its Stripe time is the clock's, not the wall clock's.</summary>
    public string? TestClockId { get; set; }

    public bool Deleted { get; set; }

    public DateTimeOffset StripeCreated { get; set; }

    public DateTimeOffset SourceTimestamp { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }
}

internal sealed class MirroredCustomerConfiguration : IEntityTypeConfiguration<MirroredCustomer>
{
    public void Configure(EntityTypeBuilder<MirroredCustomer> e)
    {
        e.ToTable("customers");
        e.StripeId(c => c.StripeCustomerId);
        e.HasIndex(c => c.UserId);
        e.Property(c => c.Email).HasMaxLength(320);
        e.Property(c => c.Name).HasMaxLength(255);
        e.StripeRef(c => c.DefaultPaymentMethodId);
        e.Property(c => c.Currency).HasMaxLength(3);
        e.StripeRef(c => c.TestClockId);
    }
}
