using System.ComponentModel.DataAnnotations;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// The [ALT] rules of <c>revenue-metrics.md</c> §3.14 (section <c>Revenue</c>, e.g.
/// <c>Revenue__CancelPolicy=at_request</c>). The defaults are the reference's [R] rules.
/// </summary>
internal sealed class RevenueOptions
{
    public const string Section = "Revenue";

    /// <summary><c>at_period_end</c>: a scheduled cancellation counts until it ends; <c>at_request</c>: not from <c>canceled_at</c> on (Stripe dashboard).</summary>
    [RegularExpression("^(at_period_end|at_request)$")]
    public string CancelPolicy { get; set; } = "at_period_end";

    /// <summary>Coupon durations subtracted from MRR, comma-separated: <c>forever,repeating</c>; <c>forever</c> (Stripe baseline); <c>forever,repeating,once</c> (ProfitWell).</summary>
    [RegularExpression("^(forever|repeating|once)(,(forever|repeating|once))*$")]
    public string DiscountDurationsSubtracted { get; set; } = "forever,repeating";

    /// <summary>Add the last completed period's metered usage to <c>mrr</c> itself.</summary>
    public bool IncludeMeteredInMrr { get; set; }

    /// <summary>Weeks per month; null = 52/12 exactly (4 for Ghost and dbt_stripe, 4.33 for Lago).</summary>
    [Range(typeof(decimal), "1", "10")]
    public decimal? WeekFactor { get; set; }

    /// <summary>Days per month; null = 365/12 exactly.</summary>
    [Range(typeof(decimal), "1", "40")]
    public decimal? DayFactor { get; set; }

    /// <summary><c>cohort</c> (ChartMogul standard), <c>stripe</c> or <c>baremetrics</c>.</summary>
    [RegularExpression("^(cohort|stripe|baremetrics)$")]
    public string ChurnFormula { get; set; } = "cohort";

    /// <summary>Rate for cash (<c>recent_revenue_30d</c>): <c>as_of</c> (spot at T, the reference fixture) or <c>paid_at</c> (each invoice's day).</summary>
    [RegularExpression("^(as_of|paid_at)$")]
    public string CashFxRate { get; set; } = "as_of";

    public RevenuePolicy ToPolicy() => new(
        CancelPolicy, DiscountDurationsSubtracted.Split(',').ToHashSet(StringComparer.Ordinal), IncludeMeteredInMrr,
        WeekFactor ?? RevenuePolicy.Weeks, DayFactor ?? RevenuePolicy.Days, ChurnFormula, CashFxRate);
}

/// <summary>The rules one revenue answer is computed with (the configured ones, or a request's overrides).</summary>
internal sealed record RevenuePolicy(
    string CancelPolicy, IReadOnlySet<string> DiscountDurationsSubtracted, bool IncludeMeteredInMrr, decimal WeekFactor, decimal DayFactor,
    string ChurnFormula, string CashFxRate)
{
    public static readonly decimal Weeks = 52m / 12m;
    public static readonly decimal Days = 365m / 12m;

    public bool CancelsAtRequest => CancelPolicy == "at_request";

    /// <summary>Per-month factor of a price interval; multiply first, divide by <c>den × count</c> last.</summary>
    public (decimal Num, decimal Den) PerMonth(string? interval) => interval switch
    {
        "year" => (1m, 12m),
        "week" => WeekFactor == Weeks ? (52m, 12m) : (WeekFactor, 1m),
        "day" => DayFactor == Days ? (365m, 12m) : (DayFactor, 1m),
        _ => (1m, 1m),
    };
}
