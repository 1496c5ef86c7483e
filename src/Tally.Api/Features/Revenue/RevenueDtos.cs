using System.Text.Json.Serialization;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// The revenue dashboard at <c>as_of</c> (shape of <c>revenue-metrics.md</c> §3.13). Reporting-currency money has
/// 2 decimals, per-currency money the currency's own; rates are fractions with 4 decimals. A reporting-currency
/// figure is null when a rate it needs is missing (<c>fx_errors</c> names it): currencies are never mixed unconverted.
/// </summary>
internal sealed record RevenueResponse(
    DateTimeOffset AsOf,
    DateTimeOffset WindowStart,
    string ReportingCurrency,
    DateOnly? FxAsOf,
    decimal? Mrr,
    decimal? Arr,
    decimal? UsageMrr,
    decimal? MrrIncludingUsage,
    decimal? ChurnRate,
    decimal? ChurnPercentage,
    int ActiveSubscriptions,
    int ActiveCustomers,
    [property: JsonPropertyName("recent_revenue_30d")] decimal? RecentRevenue30d,
    decimal? Arpu,
    decimal? ArpuPerSubscription,
    decimal? MrrScheduledToCancel,
    MovementsResponse? Movements,
    decimal? StartMrr,
    decimal? GrossMrrChurnRate,
    decimal? NetMrrChurnRate,
    decimal? NetMrrChurnRateWithReactivation,
    decimal? Nrr,
    decimal? Grr,
    decimal? Ltv,
    decimal? QuickRatio,
    FxBridgeResponse? FxBridge,
    ChurnDetail Churn,
    IReadOnlyDictionary<string, CurrencyRevenue> ByCurrency,
    IReadOnlyList<FxError> FxErrors,
    IReadOnlyList<string> MissingPrices,
    PolicyResponse Policy);

internal sealed record MovementsResponse(decimal New, decimal Reactivation, decimal Expansion, decimal Contraction, decimal Churn)
{
    public static MovementsResponse From(Movements m, int places) => new(
        Money.Round(m.New, places), Money.Round(m.Reactivation, places), Money.Round(m.Expansion, places),
        Money.Round(m.Contraction, places), Money.Round(m.Churn, places));
}

/// <summary>Per currency, in its major units (no conversion).</summary>
internal sealed record CurrencyRevenue(
    decimal Mrr,
    decimal Arr,
    decimal UsageMrr,
    decimal MrrIncludingUsage,
    [property: JsonPropertyName("recent_revenue_30d")] decimal RecentRevenue30d,
    int ActiveCustomers,
    int ActiveSubscriptions,
    decimal? Arpu,
    decimal MrrScheduledToCancel,
    decimal StartMrr,
    MovementsResponse Movements,
    decimal? GrossMrrChurnRate,
    decimal? NetMrrChurnRate,
    decimal? Nrr,
    decimal? Grr,
    decimal? FxRate);

/// <summary>Stripe's bridge: start MRR at the window start's rates, and the FX line that closes it.</summary>
internal sealed record FxBridgeResponse(decimal StartMrrAtWindowStartRates, decimal FxAdjustment);

/// <summary>Logo churn under the formula in force, with its parts.</summary>
internal sealed record ChurnDetail(string Formula, int CustomersAtWindowStart, int Churned, int NewCustomers);

internal sealed record FxError(string Currency, string Code, string Detail);

internal sealed record PolicyResponse(
    string CancelPolicy, IReadOnlyList<string> DiscountDurationsSubtracted, bool IncludeMeteredInMrr, decimal WeekFactor, decimal DayFactor,
    string ChurnFormula, string CashFxRate)
{
    public static PolicyResponse From(RevenuePolicy p) => new(
        p.CancelPolicy, [.. p.DiscountDurationsSubtracted.Order(StringComparer.Ordinal)], p.IncludeMeteredInMrr, Money.Round(p.WeekFactor, 6),
        Money.Round(p.DayFactor, 6), p.ChurnFormula, p.CashFxRate);
}

internal sealed record FxRateResponse(string Currency, string QuoteCurrency, DateOnly Date, decimal Rate)
{
    public static FxRateResponse From(FxRate r) => new(r.Currency, r.QuoteCurrency, r.EffectiveDate, r.Rate);
}

/// <summary><c>rates</c>: currency → units of <c>quote_currency</c> (default: the reporting currency) per unit, from <c>date</c>.</summary>
internal sealed record SetFxRatesRequest(DateOnly? Date, string? QuoteCurrency, Dictionary<string, decimal>? Rates);

internal sealed record FxRateList(IReadOnlyList<FxRateResponse> Data, bool HasMore, string? NextCursor);
