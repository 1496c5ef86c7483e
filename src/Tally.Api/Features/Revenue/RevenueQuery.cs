using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// A revenue request's policy: the configured one (section <c>Revenue</c>), with any flag the request
/// names overriding it for this answer only, so one dataset can be read under several policies.
/// </summary>
internal sealed record RevenueQuery(
    [property: FromQuery(Name = "cancel_policy")] string? CancelPolicy,
    [property: FromQuery(Name = "discount_durations_subtracted")] string? DiscountDurationsSubtracted,
    [property: FromQuery(Name = "include_metered_in_mrr")] bool? IncludeMeteredInMrr,
    [property: FromQuery(Name = "week_factor")] decimal? WeekFactor,
    [property: FromQuery(Name = "day_factor")] decimal? DayFactor,
    [property: FromQuery(Name = "churn_formula")] string? ChurnFormula,
    [property: FromQuery(Name = "cash_fx_rate")] string? CashFxRate)
{
    public bool TryPolicy(RevenueOptions configured, out RevenuePolicy policy, out ProblemHttpResult? problem)
    {
        var options = new RevenueOptions
        {
            CancelPolicy = CancelPolicy ?? configured.CancelPolicy,
            DiscountDurationsSubtracted = DiscountDurationsSubtracted ?? configured.DiscountDurationsSubtracted,
            IncludeMeteredInMrr = IncludeMeteredInMrr ?? configured.IncludeMeteredInMrr,
            WeekFactor = WeekFactor ?? configured.WeekFactor,
            DayFactor = DayFactor ?? configured.DayFactor,
            ChurnFormula = ChurnFormula ?? configured.ChurnFormula,
            CashFxRate = CashFxRate ?? configured.CashFxRate,
        };
        var results = new List<ValidationResult>();
        policy = options.ToPolicy();
        problem = null;
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return true;
        }

        var first = results[0];
        var field = ToSnake(first.MemberNames.FirstOrDefault() ?? "policy");
        problem = Problems.Validation(field, "is not an accepted value (see the Revenue settings in README.md).");
        return false;
    }

    private static string ToSnake(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
