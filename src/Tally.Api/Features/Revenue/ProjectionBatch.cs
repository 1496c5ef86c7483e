using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>Re-projects some subscriptions and their customers inside the caller's transaction.</summary>
internal sealed class ProjectionBatch(TallyDbContext db, RevenuePolicy policy)
{
    private readonly Dictionary<(DateTimeOffset Day, string Currency, int Cohort), MrrDailyDelta> deltas = [];

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
        foreach (var row in await mrr.AsNoTracking().ToListAsync(ct))
        {
            Move(row, -1);
        }

        foreach (var row in await activity.AsNoTracking().ToListAsync(ct))
        {
            Move(row, -1);
        }

        await mrr.ExecuteDeleteAsync(ct);
        await activity.ExecuteDeleteAsync(ct);
        await db.Set<CustomerSignup>().Where(s => customers.Contains(s.CustomerId)).ExecuteDeleteAsync(ct);
        foreach (var customer in customers)
        {
            var (rows, spans, signup) = MrrIntervals.Customer(customer, [.. all[customer]]);
            rows.ForEach(r => Move(r, 1));
            spans.ForEach(s => Move(s, 1));
            db.AddRange(rows);
            db.AddRange(spans);
            if (signup is not null)
            {
                db.Add(signup);
            }
        }

        await ApplyDeltasAsync(ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private void Move(CustomerMrrInterval r, int sign)
    {
        Add(r.ValidFrom, r.Currency, r.Cohort, sign, r);
        if (r.ValidTo is { } to)
        {
            Add(to, r.Currency, r.Cohort, -sign, r);
        }
    }

    private void Move(CustomerActivity a, int sign)
    {
        Add(a.ValidFrom, "", a.Cohort, sign, null);
        if (a.ValidTo is { } to)
        {
            Add(to, "", a.Cohort, -sign, null);
        }
    }

    /// <summary>Counts <paramref name="r"/> (or, without it, one paying customer) on <paramref name="at"/>'s day, times <paramref name="sign"/>.</summary>
    private void Add(DateTimeOffset at, string currency, int cohort, int sign, CustomerMrrInterval? r)
    {
        var key = (MrrIntervals.DayOf(at), currency, cohort);
        if (!deltas.TryGetValue(key, out var d))
        {
            deltas[key] = d = new MrrDailyDelta { Day = key.Item1, Currency = currency, Cohort = cohort };
        }

        if (r is null)
        {
            d.ActiveCustomers += sign;
            return;
        }

        d.Mrr += sign * r.Mrr;
        d.ActiveCustomers += r.Active ? sign : 0;
        d.ActiveSubscriptions += sign * r.ActiveSubscriptions;
        d.ScheduledToCancel += sign * r.ScheduledToCancel;
        d.Present += sign;
    }

    private async Task ApplyDeltasAsync(CancellationToken ct)
    {
        var days = deltas.Keys.Select(k => k.Day).Distinct().ToList();
        var stored = (await db.Set<MrrDailyDelta>().Where(d => days.Contains(d.Day)).ToListAsync(ct))
            .ToDictionary(d => (d.Day, d.Currency, d.Cohort));
        foreach (var (key, d) in deltas)
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
        }
    }
}
