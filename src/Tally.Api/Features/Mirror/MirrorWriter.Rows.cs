using Microsoft.EntityFrameworkCore;

namespace Tally.Api.Features.Mirror;

/// <summary>
/// How the writer finds the rows it updates. After <see cref="PreloadAsync"/> (one query per table for
/// a whole batch of records), the writer is an identity map for the rest of its unit of work: rows of
/// the loaded keys and rows it added since are answered from memory, including "there is none". That
/// is only for a unit of work that is saved once and never cleared (the webhook processor's batch);
/// without a preload every look-up asks the database (and the change tracker), so callers that clear
/// the change tracker and retry (the API's own writes, the sync) never see a detached row.
/// </summary>
internal sealed partial class MirrorWriter
{
    private bool preloaded;

    private readonly Dictionary<string, MirroredCustomer?> customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MirroredProduct?> products = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MirroredPrice?> prices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subscription?> subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Invoice?> invoices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SubscriptionItem>> items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SubscriptionDiscount>> discounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SubscriptionHistory>> history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<InvoiceLine>> invoiceLines = new(StringComparer.Ordinal);

    /// <summary>Customers whose subscriptions and invoices without a user are all loaded (see <see cref="ClaimOrphansAsync"/>).</summary>
    private readonly HashSet<string> orphansLoaded = new(StringComparer.Ordinal);

    /// <summary>Loads, tracked, every row that writing records with these keys reads: one query per table.</summary>
    public async Task PreloadAsync(MirrorKeys keys, CancellationToken ct)
    {
        preloaded = true;
        var customerIds = keys.Customers.Where(id => !customers.ContainsKey(id)).ToList();
        var subscriptionIds = keys.Subscriptions.Where(id => !subscriptions.ContainsKey(id)).ToList();
        var invoiceIds = keys.Invoices.Where(id => !invoices.ContainsKey(id)).ToList();
        await LoadAsync(customers, customerIds, ids => db.Set<MirroredCustomer>().Where(x => ids.Contains(x.StripeCustomerId)), x => x.StripeCustomerId, ct);
        await LoadAsync(products, keys.Products.Where(id => !products.ContainsKey(id)).ToList(),
            ids => db.Set<MirroredProduct>().Where(x => ids.Contains(x.StripeProductId)), x => x.StripeProductId, ct);
        await LoadAsync(prices, keys.Prices.Where(id => !prices.ContainsKey(id)).ToList(),
            ids => db.Set<MirroredPrice>().Where(x => ids.Contains(x.StripePriceId)), x => x.StripePriceId, ct);

        // With the subscriptions and invoices asked for, those of the customers that no user holds yet.
        await LoadAsync(subscriptions, subscriptionIds, ids => db.Set<Subscription>()
            .Where(x => ids.Contains(x.StripeSubscriptionId) || (x.UserId == null && customerIds.Contains(x.StripeCustomerId))), x => x.StripeSubscriptionId, ct);
        await LoadAsync(invoices, invoiceIds, ids => db.Set<Invoice>()
            .Where(x => ids.Contains(x.StripeInvoiceId) || (x.UserId == null && customerIds.Contains(x.StripeCustomerId))), x => x.StripeInvoiceId, ct);
        orphansLoaded.UnionWith(customerIds);

        if (subscriptionIds.Count > 0)
        {
            await LoadChildrenAsync(items, subscriptionIds, db.Set<SubscriptionItem>().Where(x => subscriptionIds.Contains(x.StripeSubscriptionId)), ItemOf, ct);
            await LoadChildrenAsync(discounts, subscriptionIds, db.Set<SubscriptionDiscount>().Where(x => subscriptionIds.Contains(x.StripeSubscriptionId)), DiscountOf, ct);
            await LoadChildrenAsync(history, subscriptionIds, db.Set<SubscriptionHistory>().Where(x => subscriptionIds.Contains(x.StripeSubscriptionId)), HistoryOf, ct);
        }

        if (invoiceIds.Count > 0)
        {
            await LoadChildrenAsync(invoiceLines, invoiceIds, db.Set<InvoiceLine>().Where(x => invoiceIds.Contains(x.StripeInvoiceId)), LineOf, ct);
        }

        await links.PreloadAsync(customerIds, keys.UserIds, ct);
    }

    private static async Task LoadAsync<T>(
        Dictionary<string, T?> map, List<string> ids, Func<List<string>, IQueryable<T>> query, Func<T, string> keyOf, CancellationToken ct)
        where T : class
    {
        if (ids.Count == 0)
        {
            return;
        }

        ids.ForEach(id => map[id] = null);
        foreach (var row in await query(ids).ToListAsync(ct))
        {
            map[keyOf(row)] = row;
        }
    }

    private static async Task LoadChildrenAsync<T>(
        Dictionary<string, List<T>> map, List<string> parentIds, IQueryable<T> query, Func<T, string> parentOf, CancellationToken ct)
    {
        parentIds.ForEach(id => map[id] = []);
        foreach (var row in await query.ToListAsync(ct))
        {
            map[parentOf(row)].Add(row);
        }
    }

    private async Task<T?> FindAsync<T>(Dictionary<string, T?> map, string id, Func<Task<T?>> query)
        where T : class =>
        preloaded && map.TryGetValue(id, out var row) ? row : await query();

    private Task<MirroredCustomer?> FindCustomerAsync(string id, CancellationToken ct) =>
        FindAsync(customers, id, () => db.Set<MirroredCustomer>().FirstOrDefaultAsync(x => x.StripeCustomerId == id, ct));

    private Task<MirroredProduct?> FindProductAsync(string id, CancellationToken ct) =>
        FindAsync(products, id, () => db.Set<MirroredProduct>().FirstOrDefaultAsync(x => x.StripeProductId == id, ct));

    private Task<MirroredPrice?> FindPriceAsync(string id, CancellationToken ct) =>
        FindAsync(prices, id, () => db.Set<MirroredPrice>().FirstOrDefaultAsync(x => x.StripePriceId == id, ct));

    private Task<Subscription?> FindSubscriptionAsync(string id, CancellationToken ct) =>
        FindAsync(subscriptions, id, () => db.Set<Subscription>().FirstOrDefaultAsync(x => x.StripeSubscriptionId == id, ct));

    private Task<Invoice?> FindInvoiceAsync(string id, CancellationToken ct) =>
        FindAsync(invoices, id, () => db.Set<Invoice>().FirstOrDefaultAsync(x => x.StripeInvoiceId == id, ct));

    private static string ItemOf(SubscriptionItem x) => x.StripeSubscriptionId;

    private static string DiscountOf(SubscriptionDiscount x) => x.StripeSubscriptionId;

    private static string HistoryOf(SubscriptionHistory x) => x.StripeSubscriptionId;

    private static string LineOf(InvoiceLine x) => x.StripeInvoiceId;

    /// <summary>
    /// A subscription's child rows, tracked, with those added in this unit of work. Rows the caller adds
    /// to or removes from the list must also be added to or removed from the context.
    /// </summary>
    private async Task<List<T>> ChildrenAsync<T>(
        Dictionary<string, List<T>> map, string subscriptionId, IQueryable<T> query, Func<T, string> parentOf, CancellationToken ct)
        where T : class
    {
        if (preloaded && map.TryGetValue(subscriptionId, out var rows))
        {
            return rows;
        }

        await query.LoadAsync(ct);
        rows = db.Set<T>().Local.Where(x => parentOf(x) == subscriptionId).ToList();
        if (preloaded)
        {
            map[subscriptionId] = rows;
        }

        return rows;
    }

    private T Added<T>(Dictionary<string, T?> map, string id, T row)
        where T : class
    {
        db.Add(row);
        if (preloaded)
        {
            map[id] = row;
        }

        return row;
    }
}
