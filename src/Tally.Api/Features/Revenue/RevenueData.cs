using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

internal sealed record PaidInvoice(string CustomerId, string Currency, long AmountPaid, DateTimeOffset PaidAt);

/// <summary>A metered line of a (not void) invoice: usage of one subscription item over one period.</summary>
internal sealed record UsageLine(string SubscriptionId, string ItemKey, string PriceId, long Amount, DateTimeOffset PeriodEnd);

/// <summary>Everything one window's figures need, read from the mirror once (no Stripe call).</summary>
internal sealed record RevenueWindow(
    DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SubscriptionState> States, IReadOnlyDictionary<string, PriceTerms> Prices,
    IReadOnlyList<PaidInvoice> Paid, ILookup<string, UsageLine> Usage)
{
    public IEnumerable<SubscriptionState> At(DateTimeOffset t) => States.Where(s => s.ValidAt(t));

    /// <summary>
    /// The subscription's last completed period of metered usage at <paramref name="t"/> (per item, the
    /// newest period ended by then), per month, in minor units (§3.3 [ALT include_metered]).
    /// </summary>
    public decimal UsageAt(string subscriptionId, DateTimeOffset t, RevenuePolicy policy) =>
        Usage[subscriptionId].Where(l => l.PeriodEnd <= t).GroupBy(l => l.ItemKey)
            .Select(item => item.GroupBy(l => l.PeriodEnd).MaxBy(p => p.Key)!)
            .SelectMany(period => period)
            .Sum(l => Prices.TryGetValue(l.PriceId, out var price) ? MrrCalculator.Monthly(l.Amount, price, policy) : 0m);
}

/// <summary>Reads the mirror's history, prices and invoices for a window (T0, T].</summary>
internal sealed class RevenueData(TallyDbContext db)
{
    private Dictionary<string, PriceTerms>? priceTerms;

    public Task<RevenueWindow> LoadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) => LoadAsync(from, to, null, ct);

    /// <param name="only">Just these subscriptions' states, and no cash (all when null).</param>
    public async Task<RevenueWindow> LoadAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? only, CancellationToken ct)
    {
        var history = db.SubscriptionHistoryDuring(from, to);
        var discounts = db.MirroredSubscriptionDiscounts();
        if (only is not null)
        {
            var ids = only.ToList();
            history = history.Where(h => ids.Contains(h.StripeSubscriptionId));
            discounts = discounts.Where(d => ids.Contains(d.StripeSubscriptionId));
        }

        var rows = await history.ToListAsync(ct);
        var held = (await discounts.ToListAsync(ct))
            .GroupBy(d => d.StripeSubscriptionId).ToDictionary(g => g.Key, g => (IReadOnlyList<DiscountState>)[.. g.Select(SubscriptionState.Of)]);
        var states = rows.Select(h => SubscriptionState.Of(h, held.GetValueOrDefault(h.StripeSubscriptionId) ?? [])).ToList();
        var prices = await PricesAsync(ct);
        var paid = only is null ? await PaidAsync(from, to, ct) : [];
        var usage = await UsageAsync(from, to, prices, ct);
        return new RevenueWindow(from, to, states, prices, paid, usage);
    }

    /// <summary>The mirror's prices, read once per scope (a request; the time series asks for every point).</summary>
    public async Task<IReadOnlyDictionary<string, PriceTerms>> PricesAsync(CancellationToken ct) =>
        priceTerms ??= (await db.MirroredPrices().ToListAsync(ct)).ToDictionary(p => p.StripePriceId, PriceTerms.From);

    /// <summary>Paid invoices in (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public Task<List<PaidInvoice>> PaidAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        db.MirroredInvoices()
            .Where(i => i.Status == "paid" && i.PaidAt > from && i.PaidAt <= to)
            .Select(i => new PaidInvoice(i.StripeCustomerId, i.Currency, i.AmountPaid, i.PaidAt!.Value))
            .ToListAsync(ct);

    /// <summary>Metered invoice lines whose period ended in the window or up to 400 days before it, per subscription.</summary>
    public async Task<ILookup<string, UsageLine>> UsageAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyDictionary<string, PriceTerms> prices, CancellationToken ct)
    {
        // Usage of the last completed period before T0 may lie up to one billing interval (a year at most) back.
        var usageFrom = from.AddDays(-400);
        var metered = prices.Where(p => p.Value.Metered).Select(p => p.Key).ToList();
        var usage = await (from l in db.MirroredInvoiceLines()
                           join i in db.MirroredInvoices() on l.StripeInvoiceId equals i.StripeInvoiceId
                           where i.Status != "void" && !l.Proration && l.StripeSubscriptionId != null && l.PriceId != null && metered.Contains(l.PriceId)
                               && l.PeriodEnd > usageFrom && l.PeriodEnd <= to
                           select new UsageLine(l.StripeSubscriptionId!, l.StripeSubscriptionItemId ?? l.PriceId!, l.PriceId!, l.Amount, l.PeriodEnd!.Value))
            .ToListAsync(ct);
        return usage.ToLookup(u => u.SubscriptionId, StringComparer.Ordinal);
    }

    /// <summary>Of <paramref name="customers"/>, those with a paid invoice (amount &gt; 0) before <paramref name="before"/>: paying history (§3.9).</summary>
    public async Task<HashSet<string>> PaidBeforeAsync(IReadOnlyCollection<string> customers, DateTimeOffset before, CancellationToken ct)
    {
        if (customers.Count == 0)
        {
            return [];
        }

        var ids = customers.ToList();
        var found = await db.MirroredInvoices()
            .Where(i => i.Status == "paid" && i.AmountPaid > 0 && i.PaidAt < before && ids.Contains(i.StripeCustomerId))
            .Select(i => i.StripeCustomerId).Distinct().ToListAsync(ct);
        return [.. found];
    }
}
