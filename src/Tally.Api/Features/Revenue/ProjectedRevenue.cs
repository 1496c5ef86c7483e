using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// Sums at one instant per (currency, cohort); currency "" counts paying customers. <see cref="Moved"/>: every
/// <see cref="MrrEvent"/> up to the instant classified on its own (from 0 in <see cref="Movements.New"/>).
/// </summary>
internal sealed record Totals(decimal Mrr, int ActiveCustomers, int ActiveSubscriptions, decimal ScheduledToCancel, int Present, Movements? Moved = null)
{
    public static readonly Totals Zero = new(0m, 0, 0, 0m, 0);

    public Totals Add(Totals o, int sign) => new(
        Mrr + (sign * o.Mrr), ActiveCustomers + (sign * o.ActiveCustomers), ActiveSubscriptions + (sign * o.ActiveSubscriptions),
        ScheduledToCancel + (sign * o.ScheduledToCancel), Present + (sign * o.Present),
        o.Moved is null ? Moved : (Moved ?? Movements.Zero).Add(o.Moved.Scale(sign)));
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
        var (atStart, atEnd) = (await TotalsAsync(t0, ct), await TotalsAsync(t, ct));
        var start = Level(atStart, new Dictionary<string, decimal>(), new SortedSet<string>(StringComparer.Ordinal));
        var end = Level(atEnd, await UsageAsync(t0, t, policy, ct), missing);
        var movements = await WindowMovements.ComputeAsync(db, data, t0, t, atStart, atEnd, ct);
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
