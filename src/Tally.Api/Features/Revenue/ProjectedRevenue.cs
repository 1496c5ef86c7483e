using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>Sums at one instant per (currency, cohort); currency "" counts paying customers.</summary>
internal sealed record Totals(decimal Mrr, int ActiveCustomers, int ActiveSubscriptions, decimal ScheduledToCancel, int Present)
{
    public static readonly Totals Zero = new(0m, 0, 0, 0m, 0);

    public Totals Add(Totals o, int sign) => new(
        Mrr + (sign * o.Mrr), ActiveCustomers + (sign * o.ActiveCustomers), ActiveSubscriptions + (sign * o.ActiveSubscriptions),
        ScheduledToCancel + (sign * o.ScheduledToCancel), Present + (sign * o.Present));
}

/// <summary>
/// The dashboard's facts from the projection (<see cref="RevenueProjection"/>): levels from the daily deltas plus
/// the intervals of the instant's own day, movements from the customer intervals that start or end inside the
/// window (every other customer's MRR is the same at T0 and T), logo churn from the paying spans.
/// </summary>
internal sealed class ProjectedRevenue(TallyDbContext db, RevenueProjection projection, RevenueData data)
{
    /// <summary>Totals read in this scope (after its catch-up), per instant.</summary>
    private readonly Dictionary<DateTimeOffset, Dictionary<(string Currency, int Cohort), Totals>> levels = [];

    private List<MissingPiece>? missingPieces;

    /// <summary>Null when the projection does not answer for <paramref name="policy"/> or is behind; the caller then computes directly.</summary>
    public async Task<RevenueFacts?> FactsAsync(DateTimeOffset t0, DateTimeOffset t, RevenuePolicy policy, CancellationToken ct)
    {
        if (policy.ChurnFormula != "cohort" || !projection.Serves(policy) || !await projection.ReadyAsync(ct))
        {
            return null;
        }

        await PreloadAsync([t0, t], policy, ct);
        var missing = await MissingPricesAsync(t0, t, ct);
        var start = Level(await TotalsAsync(t0, ct), new Dictionary<string, decimal>(), new SortedSet<string>(StringComparer.Ordinal));
        var end = Level(await TotalsAsync(t, ct), await UsageAsync(t0, t, policy, ct), missing);
        var movements = await MovementsAsync(t0, t, ct);
        var activity = db.Set<CustomerActivity>().AsNoTracking();
        var churned = await activity
            .Where(a => a.ValidFrom <= t0 && a.ValidTo > t0 && a.ValidTo <= t
                && !activity.Any(b => b.CustomerId == a.CustomerId && b.ValidFrom <= t && (b.ValidTo == null || b.ValidTo > t)))
            .CountAsync(ct);
        return new RevenueFacts(start, end, movements, new LogoChurn("cohort", start.ActiveCustomers, churned, 0), await data.PaidAsync(t0, t, ct));
    }

    /// <summary>Reads the totals at all <paramref name="instants"/> at once (<see cref="ProjectedLevels"/>), for the later calls of <see cref="TotalsAsync"/> in this scope; false when the projection does not serve <paramref name="policy"/> or is behind.</summary>
    public async Task<bool> PreloadAsync(IReadOnlyCollection<DateTimeOffset> instants, RevenuePolicy policy, CancellationToken ct)
    {
        if (!projection.Serves(policy) || !await projection.ReadyAsync(ct))
        {
            return false;
        }

        foreach (var (t, totals) in await ProjectedLevels.AtAsync(db, [.. instants.Where(t => !levels.ContainsKey(t))], ct))
        {
            levels[t] = totals;
        }

        return true;
    }

    /// <summary>Totals at <paramref name="t"/> (call after the projection is ready): the deltas of the days before its day, then its day's starts and ends up to <paramref name="t"/>.</summary>
    public async Task<IReadOnlyDictionary<(string Currency, int Cohort), Totals>> TotalsAsync(DateTimeOffset t, CancellationToken ct)
    {
        if (!levels.TryGetValue(t, out var totals))
        {
            levels[t] = totals = (await ProjectedLevels.AtAsync(db, [t], ct))[t];
        }

        return totals;
    }

    public static Level Level(IReadOnlyDictionary<(string Currency, int Cohort), Totals> totals, IReadOnlyDictionary<string, decimal> usage, IReadOnlySet<string> missing)
    {
        var byCurrency = totals.Where(kv => kv.Key.Currency.Length > 0).GroupBy(kv => kv.Key.Currency, StringComparer.Ordinal)
            .Select(g => (g.Key, Sum: g.Aggregate(Totals.Zero, (sum, kv) => sum.Add(kv.Value, 1))))
            .Where(c => c.Sum.Present > 0)
            .ToDictionary(c => c.Key, c => new CurrencyLevel(c.Sum.Mrr, c.Sum.ActiveCustomers, c.Sum.ActiveSubscriptions, c.Sum.ScheduledToCancel, usage.GetValueOrDefault(c.Key)), StringComparer.Ordinal);
        return new Level(byCurrency, totals.Where(kv => kv.Key.Currency.Length == 0).Sum(kv => kv.Value.ActiveCustomers), missing);
    }

    private static Totals Of(CustomerMrrInterval r) => new(r.Mrr, r.Active ? 1 : 0, r.ActiveSubscriptions, r.ScheduledToCancel, 1);

    /// <summary>Per customer and currency whose MRR changed in (T0, T]: x from the interval that held at T0 and ended inside, y from the one that began inside and holds at T.</summary>
    private async Task<Dictionary<string, Movements>> MovementsAsync(DateTimeOffset t0, DateTimeOffset t, CancellationToken ct)
    {
        if (db is PostgresTallyDbContext)
        {
            return await MovementsInDatabaseAsync(t0, t, ct);
        }

        var mrr = db.Set<CustomerMrrInterval>().AsNoTracking();
        var pairs = new Dictionary<(string Customer, string Currency), (decimal X, decimal Y)>();
        foreach (var r in await mrr.Where(r => r.ValidFrom <= t0 && r.ValidTo > t0 && r.ValidTo <= t).Select(r => new { r.CustomerId, r.Currency, r.Mrr }).ToListAsync(ct))
        {
            pairs[(r.CustomerId, r.Currency)] = (r.Mrr, 0m);
        }

        foreach (var r in await mrr.Where(r => r.ValidFrom > t0 && r.ValidFrom <= t && (r.ValidTo == null || r.ValidTo > t)).Select(r => new { r.CustomerId, r.Currency, r.Mrr }).ToListAsync(ct))
        {
            pairs[(r.CustomerId, r.Currency)] = (pairs.GetValueOrDefault((r.CustomerId, r.Currency)).X, r.Mrr);
        }

        var candidates = pairs.Where(p => p.Value.X == 0 && p.Value.Y > 0).Select(p => p.Key.Customer).ToHashSet(StringComparer.Ordinal);
        var paying = await data.PaidBeforeAsync(candidates, t0, ct);
        var result = new Dictionary<string, Movements>(StringComparer.Ordinal);
        foreach (var ((customer, currency), (x, y)) in pairs)
        {
            result[currency] = result.GetValueOrDefault(currency, Movements.Zero).Add(Movements.Classify(x, y, paying.Contains(customer)));
        }

        return result;
    }

    /// <summary>PostgreSQL: the same pairs and classification (<see cref="Movements.Classify"/>) as one aggregate, so only a row per currency leaves the database.</summary>
    private async Task<Dictionary<string, Movements>> MovementsInDatabaseAsync(DateTimeOffset t0, DateTimeOffset t, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<MovementRow>($"""
            with e as (select customer_id, currency, mrr from revenue_customer_mrr where valid_from <= {t0} and valid_to > {t0} and valid_to <= {t}),
                 s as (select customer_id, currency, mrr from revenue_customer_mrr where valid_from > {t0} and valid_from <= {t} and (valid_to is null or valid_to > {t})),
                 p as (select coalesce(s.customer_id, e.customer_id) as customer_id, coalesce(s.currency, e.currency) as currency,
                              coalesce(e.mrr, 0) as x, coalesce(s.mrr, 0) as y
                       from s full join e on e.customer_id = s.customer_id and e.currency = s.currency),
                 q as (select currency, x, y, x = 0 and y > 0 and exists (select 1 from invoices i where i.stripe_customer_id = p.customer_id
                           and i.status = 'paid' and i.amount_paid > 0 and i.paid_at < {t0}) as paid
                       from p)
            select currency as "currency",
                   coalesce(sum(y) filter (where x = 0 and y > 0 and not paid), 0) as "new",
                   coalesce(sum(y) filter (where x = 0 and y > 0 and paid), 0) as "reactivation",
                   coalesce(sum(y - x) filter (where x > 0 and y > x), 0) as "expansion",
                   coalesce(sum(x - y) filter (where x > 0 and y > 0 and y <= x), 0) as "contraction",
                   coalesce(sum(x) filter (where x > 0 and y = 0), 0) as "churn"
            from q group by currency
            """).ToListAsync(ct);
        return rows.ToDictionary(r => r.Currency, r => new Movements(r.New, r.Reactivation, r.Expansion, r.Contraction, r.Churn), StringComparer.Ordinal);
    }

    /// <summary>Prices named by a piece valid at T0 or at T that the mirror lacks; the (rare) pieces naming any are read once per scope.</summary>
    private async Task<SortedSet<string>> MissingPricesAsync(DateTimeOffset t0, DateTimeOffset t, CancellationToken ct)
    {
        missingPieces ??= await db.Set<SubscriptionMrrInterval>().AsNoTracking().Where(i => i.MissingPrices != null)
            .Select(i => new MissingPiece(i.MissingPrices!, i.ValidFrom, i.ValidTo)).ToListAsync(ct);
        bool ValidAt(MissingPiece p, DateTimeOffset at) => p.From <= at && (p.To is not { } to || to > at);
        return new SortedSet<string>(missingPieces.Where(p => ValidAt(p, t0) || ValidAt(p, t)).SelectMany(p => p.Prices.Split(',')), StringComparer.Ordinal);
    }

    /// <summary>Usage MRR at T per currency, of the few subscriptions with metered lines, straight from their states.</summary>
    private async Task<IReadOnlyDictionary<string, decimal>> UsageAsync(DateTimeOffset t0, DateTimeOffset t, RevenuePolicy policy, CancellationToken ct)
    {
        var prices = await data.PricesAsync(ct);
        var lines = await data.UsageAsync(t0, t, prices, ct);
        if (lines.Count == 0)
        {
            return new Dictionary<string, decimal>();
        }

        var states = await data.LoadAsync(t, t, [.. lines.Select(g => g.Key)], ct);
        return MrrSnapshot.At(new RevenueWindow(t0, t, states.States, prices, [], lines), t, policy).Usage;
    }
}

internal sealed record MissingPiece(string Prices, DateTimeOffset From, DateTimeOffset? To);

internal sealed record MovementRow(string Currency, decimal New, decimal Reactivation, decimal Expansion, decimal Contraction, decimal Churn);
