using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// Builds the projection from the whole history at once (upgrade, policy change, rebuild), set-based: the same
/// arithmetic as <see cref="ProjectionBatch"/> (<see cref="MrrIntervals"/> over <see cref="MrrCalculator"/>), in
/// chunks of subscriptions, then of customers, each chunk read with one query per table and written with
/// <see cref="BulkInsert"/>; the daily deltas are summed in memory and written last, with the policy key that marks
/// the projection complete. Until then the key is empty and requests answer from the history.
/// </summary>
internal sealed class ProjectionBuild(TallyDbContext db, RevenuePolicy policy)
{
    public const int Chunk = 5000;

    /// <summary>Empties the projection and its queue and marks it incomplete. Changes committed later stay queued for the catch-up.</summary>
    public async Task ResetAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db is PostgresTallyDbContext)
        {
            await db.Database.ExecuteSqlRawAsync(
                "truncate revenue_subscription_mrr, revenue_customer_mrr, revenue_customer_activity, revenue_customer_signups, revenue_mrr_events, revenue_daily_deltas", ct);
        }
        else
        {
            await db.Set<SubscriptionMrrInterval>().ExecuteDeleteAsync(ct);
            await db.Set<CustomerMrrInterval>().ExecuteDeleteAsync(ct);
            await db.Set<CustomerActivity>().ExecuteDeleteAsync(ct);
            await db.Set<CustomerSignup>().ExecuteDeleteAsync(ct);
            await db.Set<MrrEvent>().ExecuteDeleteAsync(ct);
            await db.Set<MrrDailyDelta>().ExecuteDeleteAsync(ct);
        }

        await db.Set<ProjectionChange>().ExecuteDeleteAsync(ct);
        await db.Set<ProjectionState>().ExecuteDeleteAsync(ct);
        db.Add(new ProjectionState { Id = 1, PolicyKey = "", RebuiltAt = now });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await tx.CommitAsync(ct);
    }

    public async Task BuildAsync(string policyKey, CancellationToken ct)
    {
        var prices = (await db.MirroredPrices().AsNoTracking().ToListAsync(ct)).ToDictionary(p => p.StripePriceId, PriceTerms.From);
        var subscriptions = await db.Set<SubscriptionHistory>().AsNoTracking().Select(h => h.StripeSubscriptionId).Distinct().OrderBy(id => id).ToListAsync(ct);
        foreach (var chunk in subscriptions.Chunk(Chunk))
        {
            await PiecesAsync([.. chunk], prices, ct);
        }

        var deltas = new DailyDeltas();
        var customers = await db.Set<SubscriptionMrrInterval>().AsNoTracking().Select(i => i.CustomerId).Distinct().OrderBy(id => id).ToListAsync(ct);
        foreach (var chunk in customers.Chunk(Chunk))
        {
            await CustomersAsync([.. chunk], deltas, ct);
        }

        if (db is PostgresTallyDbContext)
        {
            // Statistics and the visibility map for the bulk-loaded rows now (plans, index-only scans), not whenever autovacuum comes.
            await db.Database.ExecuteSqlRawAsync(
                "vacuum (analyze) revenue_subscription_mrr, revenue_customer_mrr, revenue_customer_activity, revenue_customer_signups, revenue_mrr_events", ct);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await BulkInsert.WriteAsync(db, deltas.Values.Values.ToList(), ct);
        await db.Set<ProjectionState>().ExecuteUpdateAsync(s => s.SetProperty(p => p.PolicyKey, policyKey), ct);
        await tx.CommitAsync(ct);
    }

    private async Task PiecesAsync(List<string> ids, Dictionary<string, PriceTerms> prices, CancellationToken ct)
    {
        var history = await db.Set<SubscriptionHistory>().AsNoTracking().Where(h => ids.Contains(h.StripeSubscriptionId)).ToListAsync(ct);
        var discounts = (await db.MirroredSubscriptionDiscounts().AsNoTracking().Where(d => ids.Contains(d.StripeSubscriptionId)).ToListAsync(ct))
            .ToLookup(d => d.StripeSubscriptionId, SubscriptionState.Of);
        var pieces = history.SelectMany(h => MrrIntervals.Pieces(SubscriptionState.Of(h, [.. discounts[h.StripeSubscriptionId]]), prices, policy)).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await BulkInsert.WriteAsync(db, pieces, ct);
        await tx.CommitAsync(ct);
    }

    private async Task CustomersAsync(List<string> ids, DailyDeltas deltas, CancellationToken ct)
    {
        var pieces = (await db.Set<SubscriptionMrrInterval>().AsNoTracking().Where(i => ids.Contains(i.CustomerId)).ToListAsync(ct))
            .ToLookup(i => i.CustomerId, StringComparer.Ordinal);
        var (mrr, activity, signups, events) = (new List<CustomerMrrInterval>(), new List<CustomerActivity>(), new List<CustomerSignup>(), new List<MrrEvent>());
        foreach (var customer in ids)
        {
            var (rows, spans, signup) = MrrIntervals.Customer(customer, [.. pieces[customer]]);
            var changes = MrrEvent.Of(customer, signup?.Cohort ?? 0, rows);
            rows.ForEach(r => deltas.Move(r, 1));
            spans.ForEach(s => deltas.Move(s, 1));
            changes.ForEach(e => deltas.Move(e, 1));
            events.AddRange(changes);
            mrr.AddRange(rows);
            activity.AddRange(spans);
            if (signup is not null)
            {
                signups.Add(signup);
            }
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await BulkInsert.WriteAsync(db, mrr, ct);
        await BulkInsert.WriteAsync(db, activity, ct);
        await BulkInsert.WriteAsync(db, signups, ct);
        await BulkInsert.WriteAsync(db, events, ct);
        await tx.CommitAsync(ct);
    }
}
