using Tally.Api.Features.Mirror;

namespace Tally.Api.Features.Invoices;

/// <summary>DESIGN.md's invoice shape; amounts in minor units.</summary>
public sealed record InvoiceResponse(
    string StripeInvoiceId, string? Number, string Status, long AmountDue, long AmountPaid, string Currency, DateTimeOffset Created,
    DateTimeOffset? PaidAt, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, string? HostedInvoiceUrl);

internal static class InvoiceMapping
{
    public static InvoiceResponse ToResponse(this Invoice i) =>
        new(i.StripeInvoiceId, i.Number, i.Status, i.AmountDue, i.AmountPaid, i.Currency, i.StripeCreated, i.PaidAt, i.PeriodStart,
            i.PeriodEnd, i.HostedInvoiceUrl);
}
