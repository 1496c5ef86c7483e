using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>A line of a mirrored invoice, as last seen with its invoice. Amounts in minor units, before discounts and tax.</summary>
internal sealed class InvoiceLine
{
    public long Id { get; set; }

    public required string StripeLineId { get; set; }

    public required string StripeInvoiceId { get; set; }

    public string? StripeSubscriptionId { get; set; }

    public string? StripeSubscriptionItemId { get; set; }

    public string? PriceId { get; set; }

    public long Amount { get; set; }

    public decimal? Quantity { get; set; }

    public bool Proration { get; set; }

    public DateTimeOffset? PeriodStart { get; set; }

    public DateTimeOffset? PeriodEnd { get; set; }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> e)
    {
        e.ToTable("invoice_lines");
        e.StripeId(l => l.StripeLineId);
        e.Property(l => l.StripeInvoiceId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(l => l.StripeInvoiceId);
        e.StripeRef(l => l.StripeSubscriptionId);
        e.HasIndex(l => new { l.StripeSubscriptionId, l.PeriodEnd });
        e.StripeRef(l => l.StripeSubscriptionItemId);
        e.StripeRef(l => l.PriceId);
        e.Property(l => l.Quantity).HasPrecision(38, 12);
    }
}
