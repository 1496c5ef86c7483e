namespace Tally.Api.Features.Revenue;

/// <summary>One currency at one instant: minor units, unrounded.</summary>
internal sealed record CurrencyLevel(decimal Mrr, int ActiveCustomers, int ActiveSubscriptions, decimal ScheduledToCancel, decimal Usage);

/// <summary>
/// The dashboard's figures at one instant: each currency some recorded state was in then (even at 0 MRR), the
/// paying customers <c>|A(t)|</c> and the prices the mirror lacks. Built from an <see cref="MrrSnapshot"/> (direct
/// path) or from the projection's aggregates; either way the same numbers.
/// </summary>
internal sealed record Level(IReadOnlyDictionary<string, CurrencyLevel> ByCurrency, int ActiveCustomers, IReadOnlySet<string> MissingPrices)
{
    public IEnumerable<string> Currencies => ByCurrency.Keys;

    public decimal Mrr(string currency) => ByCurrency.GetValueOrDefault(currency)?.Mrr ?? 0m;

    public decimal Usage(string currency) => ByCurrency.GetValueOrDefault(currency)?.Usage ?? 0m;

    public decimal MrrIncludingUsage(string currency, RevenuePolicy policy) => Mrr(currency) + (policy.IncludeMeteredInMrr ? 0m : Usage(currency));

    public static Level Of(MrrSnapshot s) => new(
        s.Currencies.ToDictionary(c => c, c => new CurrencyLevel(
            s.Mrr(c), s.ActiveCustomers(c), s.ActiveSubscriptions.GetValueOrDefault(c), s.ScheduledToCancel.GetValueOrDefault(c), s.Usage.GetValueOrDefault(c)),
            StringComparer.Ordinal),
        s.ActiveCustomers().Count, s.MissingPrices);
}

/// <summary>Everything <see cref="RevenueReports"/> needs for a window (T0, T].</summary>
internal sealed record RevenueFacts(Level Start, Level End, IReadOnlyDictionary<string, Movements> Movements, LogoChurn Churn, IReadOnlyList<PaidInvoice> Paid);
