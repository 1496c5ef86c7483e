using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>Re-projects some subscriptions and their customers inside the caller's transaction.</summary>
internal sealed class ProjectionBatch(TallyDbContext db, RevenuePolicy policy)
{
    private readonly DailyDeltas deltas = new();

    public async Task ProjectAsync(List<string> subscriptionIds, CancellationToken ct)
    {
        var prices = (await db.MirroredPrices().ToListAsync(ct)).ToDictionary(p => p.StripePriceId, PriceTerms.From);
        var history = await db.Set<SubscriptionHistory>().AsNoTracking().Where(h => subscriptionIds.Contains(h.StripeSubscriptionId)).ToListAsync(ct);
        var discounts = (await db.MirroredSubscriptionDiscounts().Where(d => subscriptionIds.Contains(d.StripeSubscriptionId)).ToListAsync(ct))
            .ToLookup(d => d.StripeSubscriptionId, SubscriptionState.Of);
        var pieces = history.SelectMany(h => MrrIntervals.Pieces(SubscriptionState.Of(h, [.. discounts[h.StripeSubscriptionId]]), prices, policy)).ToList();

        var stale = db.Set<SubscriptionMrrInterval>().Where(i => subscriptionIds.Contains(i.SubscriptionId));
        var customers = (await stale.Select(i => i.CustomerId).Distinct().ToListAsync(ct)).Concat(pieces.Select(p => p.CustomerId))
            .Distinct(StringComparer.Ordinal).ToList();
        await stale.ExecuteDeleteAsync(ct);
        db.AddRange(pieces);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        var all = (await db.Set<SubscriptionMrrInterval>().AsNoTracking().Where(i => customers.Contains(i.CustomerId)).ToListAsync(ct))
            .ToLookup(i => i.CustomerId, StringComparer.Ordinal);
        var mrr = db.Set<CustomerMrrInterval>().Where(i => customers.Contains(i.CustomerId));
        var activity = db.Set<CustomerActivity>().Where(i => customers.Contains(i.CustomerId));
        var events = db.Set<MrrEvent>().Where(i => customers.Contains(i.CustomerId));
        foreach (var row in await mrr.AsNoTracking().ToListAsync(ct))
        {
            deltas.Move(row, -1);
        }

        foreach (var row in await activity.AsNoTracking().ToListAsync(ct))
        {
            deltas.Move(row, -1);
        }

        foreach (var e in await events.AsNoTracking().ToListAsync(ct))
        {
            deltas.Move(e, -1);
        }

        await mrr.ExecuteDeleteAsync(ct);
        await activity.ExecuteDeleteAsync(ct);
        await events.ExecuteDeleteAsync(ct);
        await db.Set<CustomerSignup>().Where(s => customers.Contains(s.CustomerId)).ExecuteDeleteAsync(ct);
        foreach (var customer in customers)
        {
            var (rows, spans, signup) = MrrIntervals.Customer(customer, [.. all[customer]]);
            var changes = MrrEvent.Of(customer, signup?.Cohort ?? 0, rows);
            rows.ForEach(r => deltas.Move(r, 1));
            spans.ForEach(s => deltas.Move(s, 1));
            changes.ForEach(e => deltas.Move(e, 1));
            db.AddRange(rows);
            db.AddRange(spans);
            db.AddRange(changes);
            if (signup is not null)
            {
                db.Add(signup);
            }
        }

        await ApplyDeltasAsync(ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task ApplyDeltasAsync(CancellationToken ct)
    {
        var days = deltas.Values.Keys.Select(k => k.Day).Distinct().ToList();
        var stored = (await db.Set<MrrDailyDelta>().Where(d => days.Contains(d.Day)).ToListAsync(ct))
            .ToDictionary(d => (d.Day, d.Currency, d.Cohort));
        foreach (var (key, d) in deltas.Values)
        {
            if (!stored.TryGetValue(key, out var row))
            {
                db.Add(d);
                continue;
            }

            row.Mrr += d.Mrr;
            row.ActiveCustomers += d.ActiveCustomers;
            row.ActiveSubscriptions += d.ActiveSubscriptions;
            row.ScheduledToCancel += d.ScheduledToCancel;
            row.Present += d.Present;
            row.MovedFromZero += d.MovedFromZero;
            row.MovedExpansion += d.MovedExpansion;
            row.MovedContraction += d.MovedContraction;
            row.MovedChurn += d.MovedChurn;
        }
    }
}
