using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>Read-only views of the mirror's tables for the features that show them; only the mirror writes them.</summary>
internal static class MirrorQueries
{
    public static IQueryable<Subscription> MirroredSubscriptions(this TallyDbContext db) => db.Set<Subscription>().AsNoTracking();

    public static IQueryable<Invoice> MirroredInvoices(this TallyDbContext db) => db.Set<Invoice>().AsNoTracking();

    public static IQueryable<MirroredCustomer> MirroredCustomers(this TallyDbContext db) => db.Set<MirroredCustomer>().AsNoTracking();

    public static IQueryable<MirroredPrice> MirroredPrices(this TallyDbContext db) => db.Set<MirroredPrice>().AsNoTracking();

    public static IQueryable<SubscriptionItem> MirroredSubscriptionItems(this TallyDbContext db) => db.Set<SubscriptionItem>().AsNoTracking();

    public static IQueryable<SubscriptionDiscount> MirroredSubscriptionDiscounts(this TallyDbContext db) => db.Set<SubscriptionDiscount>().AsNoTracking();

    public static IQueryable<InvoiceLine> MirroredInvoiceLines(this TallyDbContext db) => db.Set<InvoiceLine>().AsNoTracking();

    /// <summary>Recorded subscription states valid at some instant of [<paramref name="from"/>, <paramref name="to"/>] (Stripe time).</summary>
    public static IQueryable<SubscriptionHistory> SubscriptionHistoryDuring(this TallyDbContext db, DateTimeOffset from, DateTimeOffset to) =>
        db.Set<SubscriptionHistory>().AsNoTracking().Where(h => h.ValidFrom <= to && (h.ValidTo == null || h.ValidTo > from));
}
