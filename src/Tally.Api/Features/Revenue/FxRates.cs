using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>The rates in force on one day, into one reporting currency; a currency without a rate is named, never guessed.</summary>
internal sealed record FxTable(string Reporting, DateOnly Date, IReadOnlyDictionary<string, decimal> Rates)
{
    public decimal? RateOf(string currency) => currency == Reporting ? 1m : Rates.TryGetValue(currency, out var r) ? r : null;

    /// <summary>The newest date among the rates used, for <c>fx_as_of</c>.</summary>
    public DateOnly? NewestDate { get; init; }
}

/// <summary>The dated rate table Revenue owns (<c>fx_rates</c>).</summary>
internal sealed class FxRates(TallyDbContext db, TimeProvider clock)
{
    public async Task<FxTable> AtAsync(string reporting, DateOnly date, CancellationToken ct)
    {
        var rows = await db.Set<FxRate>().AsNoTracking()
            .Where(r => r.QuoteCurrency == reporting && r.EffectiveDate <= date)
            .Select(r => new { r.Currency, r.EffectiveDate, r.Rate })
            .ToListAsync(ct);
        var newest = rows.GroupBy(r => r.Currency).Select(g => g.MaxBy(r => r.EffectiveDate)!).ToList();
        return new FxTable(reporting, date, newest.ToDictionary(r => r.Currency, r => r.Rate))
        {
            NewestDate = newest.Count == 0 ? null : newest.Max(r => r.EffectiveDate),
        };
    }

    public async Task<List<FxRate>> ListAsync(DateOnly? date, CancellationToken ct)
    {
        var query = db.Set<FxRate>().AsNoTracking();
        if (date is { } d)
        {
            query = query.Where(r => r.EffectiveDate == d);
        }

        var rows = await query.ToListAsync(ct);
        return [.. rows.OrderByDescending(r => r.EffectiveDate).ThenBy(r => r.QuoteCurrency).ThenBy(r => r.Currency)];
    }

    /// <summary>Sets the rates of one day (insert or replace), as one unit of work.</summary>
    public Task<List<FxRate>> SetAsync(DateOnly date, string quote, IReadOnlyDictionary<string, decimal> rates, CancellationToken ct) =>
        db.RetryOnConflictAsync(3, async () =>
        {
            var currencies = rates.Keys.ToList();
            var existing = await db.Set<FxRate>()
                .Where(r => r.QuoteCurrency == quote && r.EffectiveDate == date && currencies.Contains(r.Currency)).ToListAsync(ct);
            var now = clock.GetUtcNow();
            foreach (var (currency, rate) in rates)
            {
                var row = existing.FirstOrDefault(r => r.Currency == currency);
                if (row is null)
                {
                    row = new FxRate { Currency = currency, QuoteCurrency = quote, EffectiveDate = date };
                    db.Add(row);
                    existing.Add(row);
                }

                row.Rate = rate;
                row.UpdatedAt = now;
            }

            await db.SaveChangesAsync(ct);
            return existing.OrderBy(r => r.Currency, StringComparer.Ordinal).ToList();
        });
}
