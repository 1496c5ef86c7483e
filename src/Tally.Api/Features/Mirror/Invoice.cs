using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>A Stripe invoice as last seen. Amounts in minor units. The PDF URL is not kept: it expires.</summary>
internal sealed class Invoice : IMirroredRow
{
    public long Id { get; set; }

    public required string StripeInvoiceId { get; set; }

    public required string StripeCustomerId { get; set; }

    public string? StripeSubscriptionId { get; set; }

    public long? UserId { get; set; }

    public string? Number { get; set; }

    public required string Status { get; set; }

    public long AmountDue { get; set; }

    public long AmountPaid { get; set; }

    public long AmountRemaining { get; set; }

    public long Subtotal { get; set; }

    public long Total { get; set; }

    public required string Currency { get; set; }

    public string? BillingReason { get; set; }

    public DateTimeOffset StripeCreated { get; set; }

    public DateTimeOffset? PeriodStart { get; set; }

    public DateTimeOffset? PeriodEnd { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public string? HostedInvoiceUrl { get; set; }

    public DateTimeOffset SourceTimestamp { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> e)
    {
        e.ToTable("invoices");
        e.StripeId(i => i.StripeInvoiceId);
        e.Property(i => i.StripeCustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(i => i.StripeCustomerId);
        e.StripeRef(i => i.StripeSubscriptionId);
        e.HasIndex(i => i.StripeSubscriptionId);
        e.HasIndex(i => new { i.UserId, i.StripeCreated });
        e.Property(i => i.Number).HasMaxLength(64);
        e.Property(i => i.Status).HasMaxLength(32);
        e.Property(i => i.Currency).HasMaxLength(3);
        e.Property(i => i.BillingReason).HasMaxLength(64);
        e.Property(i => i.HostedInvoiceUrl).HasMaxLength(2048);
    }
}
