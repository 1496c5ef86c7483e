using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// A window's movements (T0, T] from the <see cref="MrrEvent"/>s, exactly as <see cref="Movements.Classify"/> of each
/// customer's MRR at T0 and at T: the changes inside the window classified each on its own (the difference of the
/// pre-summed totals at T and T0), then, for the customers with two or more changes inside it (found by their
/// non-first change: <see cref="MrrEvent.Repeat"/> and the previous change after T0), their changes' own
/// classifications taken out and classify(MRR at T0, MRR at T) put in (on PostgreSQL a customer with exactly two
/// changes inside is corrected from its second change's row alone, which carries that correction precomputed; only
/// customers with three or more are read change by change); last, "from 0" split into new and reactivation
/// by a paid invoice before T0, over only the window's from-0 customers. Needs T − T0 = <see cref="RevenueReports.Window"/>.
/// </summary>
internal static class WindowMovements
{
    /// <summary>The correction on PostgreSQL; parameters @t0 and @t.</summary>
    private static readonly string CorrectionSql =
        $"""
        with p as (select customer_id, currency, previous_before as x, after as y, pair_from_zero, pair_expansion, pair_contraction, pair_churn
                   from revenue_mrr_events
                   where repeat and at > @t0 and at <= @t and previous_at > @t0 and (earlier_at is null or earlier_at <= @t0) and (next_at is null or next_at > @t)),
             k as (select distinct customer_id, currency from revenue_mrr_events where repeat and at > @t0 and at <= @t and earlier_at > @t0),
             ke as (select e.customer_id, e.currency, e.before, e.after,
                           (e.previous_at is null or e.previous_at <= @t0) as is_first, (e.next_at is null or e.next_at > @t) as is_last
                    from k join revenue_mrr_events e on e.customer_id = k.customer_id and e.currency = k.currency and e.at > @t0 and e.at <= @t),
             kc as (select customer_id, currency, max(before) filter (where is_first) as x, max(after) filter (where is_last) as y,
                           sum({Cls("before", "after", "new")}) as s_new, sum({Cls("before", "after", "expansion")}) as s_exp,
                           sum({Cls("before", "after", "contraction")}) as s_con, sum({Cls("before", "after", "churn")}) as s_churn
                    from ke group by customer_id, currency),
             c as (select currency, sum(pair_from_zero) as "new", sum(pair_expansion) as expansion, sum(pair_contraction) as contraction,
                          sum(pair_churn) as churn, 0 as reactivation
                   from p group by currency
                   union all
                   select currency, {Cls("x", "y", "new")} - s_new, {Cls("x", "y", "expansion")} - s_exp,
                          {Cls("x", "y", "contraction")} - s_con, {Cls("x", "y", "churn")} - s_churn, 0
                   from kc),
             z as (select customer_id, currency, y from p where x = 0 and y > 0
                   union all
                   select customer_id, currency, y from kc where x = 0 and y > 0
                   union all
                   select customer_id, currency, after from revenue_mrr_events
                   where from_zero and at > @t0 and at <= @t and (previous_at is null or previous_at <= @t0) and (next_at is null or next_at > @t)),
             r as (select currency, 0 as "new", 0 as expansion, 0 as contraction, 0 as churn, y as reactivation from z
                   where exists (select 1 from invoices i where i.stripe_customer_id = z.customer_id
                                 and i.status = 'paid' and i.amount_paid > 0 and i.paid_at < @t0))
        select currency, sum("new") as "new", sum(expansion) as expansion, sum(contraction) as contraction, sum(churn) as churn,
               sum(reactivation) as reactivation
        from (select * from c union all select * from r) u
        group by currency
        """;

    public static async Task<Dictionary<string, Movements>> ComputeAsync(
        TallyDbContext db, RevenueData data, DateTimeOffset t0, DateTimeOffset t,
        IReadOnlyDictionary<(string Currency, int Cohort), Totals> atStart, IReadOnlyDictionary<(string Currency, int Cohort), Totals> atEnd, CancellationToken ct)
    {
        var result = new Dictionary<string, Movements>(StringComparer.Ordinal);
        void Add(string currency, Movements m) => result[currency] = result.GetValueOrDefault(currency, Movements.Zero).Add(m);
        foreach (var ((currency, _), v) in atEnd.Where(kv => kv.Key.Currency.Length > 0 && kv.Value.Moved is not null))
        {
            Add(currency, v.Moved!);
        }

        foreach (var ((currency, _), v) in atStart.Where(kv => kv.Key.Currency.Length > 0 && kv.Value.Moved is not null))
        {
            Add(currency, v.Moved!.Scale(-1));
        }

        var corrections = db is PostgresTallyDbContext ? await InDatabaseAsync(db, t0, t, ct) : await InMemoryAsync(db, data, t0, t, ct);
        foreach (var (currency, (m, reactivation)) in corrections)
        {
            Add(currency, m.Add(Movements.Zero with { New = -reactivation, Reactivation = reactivation }));
        }

        return result;
    }

    /// <summary>Per currency: what the multi-change customers change in the single-change sums, and the reactivated part of "from 0".</summary>
    private static async Task<Dictionary<string, (Movements Correction, decimal Reactivation)>> InMemoryAsync(
        TallyDbContext db, RevenueData data, DateTimeOffset t0, DateTimeOffset t, CancellationToken ct)
    {
        var inWindow = db.Set<MrrEvent>().AsNoTracking().Where(e => e.At > t0 && e.At <= t);
        var invoices = db.MirroredInvoices();
        var reactivated = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Reactivated(string currency, decimal y) => reactivated[currency] = reactivated.GetValueOrDefault(currency) + y;
        var corrections = new Dictionary<string, Movements>(StringComparer.Ordinal);
        void Correct(string currency, Movements m) => corrections[currency] = corrections.GetValueOrDefault(currency, Movements.Zero).Add(m);
        var fromZero = new List<(string Customer, string Currency, decimal Y)>();

        // Exactly two changes inside: the second one's stored correction.
        foreach (var p in await inWindow.Where(e => e.Repeat && e.PreviousAt > t0 && (e.EarlierAt == null || e.EarlierAt <= t0) && (e.NextAt == null || e.NextAt > t))
            .Select(e => new
            {
                e.Currency, e.PreviousBefore, e.After, e.PairFromZero, e.PairExpansion, e.PairContraction, e.PairChurn,
                Paid = invoices.Any(i => i.StripeCustomerId == e.CustomerId && i.Status == "paid" && i.AmountPaid > 0 && i.PaidAt < t0),
            }).ToListAsync(ct))
        {
            Correct(p.Currency, new Movements(p.PairFromZero, 0m, p.PairExpansion, p.PairContraction, p.PairChurn));
            if (p.PreviousBefore == 0 && p.After > 0 && p.Paid)
            {
                Reactivated(p.Currency, p.After);
            }
        }

        // Three or more: their changes inside, read one by one.
        var keys = (await inWindow.Where(e => e.Repeat && e.EarlierAt > t0).Select(e => new { e.CustomerId, e.Currency }).Distinct().ToListAsync(ct))
            .Select(k => (k.CustomerId, k.Currency)).ToHashSet();
        var ids = keys.Select(k => k.CustomerId).Distinct().ToList();
        var runs = ids.Count == 0 ? [] : await inWindow.Where(e => ids.Contains(e.CustomerId)).ToListAsync(ct);
        foreach (var g in runs.Where(e => keys.Contains((e.CustomerId, e.Currency))).GroupBy(e => (e.CustomerId, e.Currency)))
        {
            var ordered = g.OrderBy(e => e.At).ToList();
            var (x, y) = (ordered[0].Before, ordered[^1].After);
            Correct(g.Key.Currency, ordered.Aggregate(Movements.Classify(x, y, false), (sum, e) => sum.Add(e.Alone().Scale(-1))));
            if (x == 0 && y > 0)
            {
                fromZero.Add((g.Key.CustomerId, g.Key.Currency, y));
            }
        }

        // Single changes from 0 whose customer paid before T0 (the database tells which, so only those are read).
        foreach (var e in await inWindow
            .Where(e => e.FromZero && (e.PreviousAt == null || e.PreviousAt <= t0) && (e.NextAt == null || e.NextAt > t)
                && invoices.Any(i => i.StripeCustomerId == e.CustomerId && i.Status == "paid" && i.AmountPaid > 0 && i.PaidAt < t0))
            .Select(e => new { e.Currency, e.After }).ToListAsync(ct))
        {
            Reactivated(e.Currency, e.After);
        }

        var paid = await data.PaidBeforeAsync(fromZero.Select(f => f.Customer).ToHashSet(StringComparer.Ordinal), t0, ct);
        foreach (var (_, currency, y) in fromZero.Where(f => paid.Contains(f.Customer)))
        {
            Reactivated(currency, y);
        }

        return corrections.Keys.Union(reactivated.Keys, StringComparer.Ordinal).ToDictionary(
            c => c, c => (corrections.GetValueOrDefault(c, Movements.Zero), reactivated.GetValueOrDefault(c)), StringComparer.Ordinal);
    }

    /// <summary>PostgreSQL: the same as one aggregate, so only a row per currency leaves the database.</summary>
    private static async Task<Dictionary<string, (Movements Correction, decimal Reactivation)>> InDatabaseAsync(
        TallyDbContext db, DateTimeOffset t0, DateTimeOffset t, CancellationToken ct)
    {
        // Prepared (Npgsql keeps it on the physical connection): planning this statement costs as much as running it.
        var result = new Dictionary<string, (Movements Correction, decimal Reactivation)>(StringComparer.Ordinal);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(CorrectionSql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.Add(new NpgsqlParameter("t0", t0));
            command.Parameters.Add(new NpgsqlParameter("t", t));
            await command.PrepareAsync(ct);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var m = new Movements(reader.GetDecimal(1), 0m, reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4));
                result[reader.GetString(0)] = (m, reader.GetDecimal(5));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return result;
    }

    /// <summary><see cref="Movements.Classify"/> (without the paid split) of x → y as SQL: the amount of one class.</summary>
    private static string Cls(string x, string y, string kind)
    {
        var fromZero = $"({x} = 0 and {y} > 0)";
        var churn = $"({x} > 0 and {y} = 0)";
        return kind switch
        {
            "new" => $"case when {fromZero} then {y} else 0 end",
            "churn" => $"case when {churn} then {x} else 0 end",
            "expansion" => $"case when not {fromZero} and not {churn} and {y} > {x} then {y} - {x} else 0 end",
            _ => $"case when not {fromZero} and not {churn} and {y} <= {x} then {x} - {y} else 0 end",
        };
    }
}
