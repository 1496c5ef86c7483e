using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Invoices;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Subscriptions;

namespace Tally.Api.Tests.Support;

/// <summary>The mirror as plain text, without local ids and processing timestamps, for comparing two runs.</summary>
internal static class MirrorDump
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<string> OfAsync(TallyFactory factory) => factory.WithDbAsync(async db =>
    {
        var subscriptions = (await db.Set<Subscription>().AsNoTracking().ToListAsync(Ct))
            .Select(s => new
            {
                s.StripeSubscriptionId, s.StripeCustomerId, s.UserId, s.Status, s.StripeSubscriptionItemId, s.PriceId, s.Currency,
                s.CurrentPeriodStart, s.CurrentPeriodEnd, s.CancelAtPeriodEnd, s.CancelAt, s.CanceledAt, s.EndedAt, s.TrialStart, s.TrialEnd,
                s.StartDate, s.LatestInvoiceId, s.StripeCreated, s.SourceTimestamp,
            }).OrderBy(s => s.StripeSubscriptionId, StringComparer.Ordinal);
        var items = (await db.Set<SubscriptionItem>().AsNoTracking().ToListAsync(Ct))
            .Select(i => new { i.StripeSubscriptionItemId, i.StripeSubscriptionId, i.PriceId, i.Quantity, i.CurrentPeriodStart, i.CurrentPeriodEnd, i.Deleted, i.StripeCreated })
            .OrderBy(i => i.StripeSubscriptionItemId, StringComparer.Ordinal);
        var invoices = (await db.Set<Invoice>().AsNoTracking().ToListAsync(Ct))
            .Select(i => new
            {
                i.StripeInvoiceId, i.StripeCustomerId, i.StripeSubscriptionId, i.UserId, i.Number, i.Status, i.AmountDue, i.AmountPaid, i.AmountRemaining,
                i.Subtotal, i.Total, i.Currency, i.BillingReason, i.StripeCreated, i.PeriodStart, i.PeriodEnd, i.PaidAt, i.HostedInvoiceUrl, i.SourceTimestamp,
            }).OrderBy(i => i.StripeInvoiceId, StringComparer.Ordinal);
        var history = (await db.Set<SubscriptionHistory>().AsNoTracking().ToListAsync(Ct))
            .Select(h => new
            {
                h.StripeSubscriptionId, h.StripeCustomerId, h.Status, h.Items, h.Discounts, h.CancelAtPeriodEnd, h.CancelAt, h.CanceledAt, h.EndedAt,
                h.TrialEnd, h.ValidFrom, h.ValidTo, h.Rank, h.SourceEventId,
            }).OrderBy(h => h.StripeSubscriptionId, StringComparer.Ordinal).ThenBy(h => h.ValidFrom);
        var customers = (await db.Set<MirroredCustomer>().AsNoTracking().ToListAsync(Ct))
            .Select(c => new { c.StripeCustomerId, c.UserId, c.Email, c.Name, c.DefaultPaymentMethodId, c.Deleted, c.StripeCreated, c.SourceTimestamp })
            .OrderBy(c => c.StripeCustomerId, StringComparer.Ordinal);
        var options = new JsonSerializerOptions { WriteIndented = true };
        return JsonSerializer.Serialize(new { subscriptions, items, invoices, history, customers }, options);
    });
}
