using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Sync;

public sealed record SyncCounts(int Seen, int Created, int Changed);

public sealed record SyncResult(SyncCounts Products, SyncCounts Prices, SyncCounts Customers, SyncCounts Subscriptions, SyncCounts Invoices);

/// <summary>
/// Backfills the mirror from Stripe's list APIs (auto-paging), one SaveChanges per page. Idempotent:
/// a row whose mirrored values did not change is left untouched (no bump of its housekeeping
/// columns), so a second run reports and writes nothing.
/// </summary>
/// <remarks>
/// <c>asOf</c>: a listed object is Stripe's current state, but Stripe time is per customer (test
/// clocks run ahead of or behind the wall clock), so the wall clock is no measure. A known row is
/// written at its own <c>SourceTimestamp</c> (ties apply), a new row at the object's <c>created</c>:
/// the fetched state is always applied, and any later event (whose <c>created</c> is on the same
/// customer's clock) still wins.
/// </remarks>
internal sealed class StripeSync(TallyDbContext db, MirrorWriter mirror, StripeGateway gateway, ILogger<StripeSync> logger)
{
    private const int PageSize = 100;

    public async Task<SyncResult> RunAsync(CancellationToken ct)
    {
        var products = await SyncAsync(gateway.ListProductsAsync(ct), p => p.Id, p => p.Created,
            ids => db.Set<MirroredProduct>().Where(x => ids.Contains(x.StripeProductId)).ToDictionaryAsync(x => x.StripeProductId, x => x.SourceTimestamp, ct),
            (p, asOf) => mirror.UpsertProductAsync(p, asOf, ct), typeof(MirroredProduct), ct);
        var prices = await SyncAsync(gateway.ListPricesAsync(ct), p => p.Id, p => p.Created,
            ids => db.Set<MirroredPrice>().Where(x => ids.Contains(x.StripePriceId)).ToDictionaryAsync(x => x.StripePriceId, x => x.SourceTimestamp, ct),
            (p, asOf) => mirror.UpsertPriceAsync(p, asOf, ct), typeof(MirroredPrice), ct);
        var customers = await SyncAsync(gateway.ListCustomersAsync(ct), c => c.Id, c => c.Created,
            ids => db.Set<MirroredCustomer>().Where(x => ids.Contains(x.StripeCustomerId)).ToDictionaryAsync(x => x.StripeCustomerId, x => x.SourceTimestamp, ct),
            (c, asOf) => mirror.UpsertCustomerAsync(c, asOf, ct), typeof(MirroredCustomer), ct);
        var subscriptions = await SyncAsync(gateway.ListSubscriptionsAsync(ct), s => s.Id, s => s.Created,
            ids => db.Set<Subscription>().Where(x => ids.Contains(x.StripeSubscriptionId)).ToDictionaryAsync(x => x.StripeSubscriptionId, x => x.SourceTimestamp, ct),
            async (s, asOf) =>
            {
                await mirror.UpsertSubscriptionAsync(s, asOf, ct);
                await mirror.BackfillHistoryAsync(s, ct);
            }, typeof(Subscription), ct);
        var invoices = await SyncAsync(gateway.ListInvoicesAsync(ct), i => i.Id, i => i.Created,
            ids => db.Set<Invoice>().Where(x => ids.Contains(x.StripeInvoiceId)).ToDictionaryAsync(x => x.StripeInvoiceId, x => x.SourceTimestamp, ct),
            (i, asOf) => mirror.UpsertInvoiceAsync(i, asOf, ct), typeof(Invoice), ct);
        var result = new SyncResult(products, prices, customers, subscriptions, invoices);
        logger.LogInformation("Stripe sync done: {Result}", result);
        return result;
    }

    private async Task<SyncCounts> SyncAsync<T>(
        IAsyncEnumerable<T> source, Func<T, string> id, Func<T, DateTimeOffset> created,
        Func<List<string>, Task<Dictionary<string, DateTimeOffset>>> knownTimestamps, Func<T, DateTimeOffset, Task> upsert,
        Type counted, CancellationToken ct)
    {
        var (seen, added, changed) = (0, 0, 0);
        var page = new List<T>(PageSize);
        async Task FlushAsync()
        {
            // The webhook processor may write some of these rows meanwhile: then the page is read and applied again.
            var (a, c) = await db.RetryOnConflictAsync(3, async () =>
            {
                var known = await knownTimestamps(page.Select(id).ToList());
                foreach (var item in page)
                {
                    await upsert(item, known.TryGetValue(id(item), out var at) ? at : created(item));
                }

                var counts = mirror.SettleChanges(counted);
                await db.SaveChangesAsync(ct);
                return counts;
            });
            db.ChangeTracker.Clear();
            (added, changed) = (added + a, changed + c);
            page.Clear();
        }

        await foreach (var item in source.WithCancellation(ct))
        {
            seen++;
            page.Add(item);
            if (page.Count == PageSize)
            {
                await FlushAsync();
            }
        }

        if (page.Count > 0)
        {
            await FlushAsync();
        }

        return new SyncCounts(seen, added, changed);
    }
}
