using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.OpenApi;

namespace Tally.Api.Features.Revenue;

internal static class RevenueEndpoints
{
    public static void MapRevenue(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Revenue").RequireRole(Role.Admin).AddEndpointFilter(Infrastructure.Telemetry.TallyMetrics.TimeRevenueAsync);
        admin.MapGet("/revenue", GetRevenueAsync).WithName("GetRevenue").ProducesProblems(400);
        admin.MapGet("/revenue/timeseries", TimeseriesEndpoint.GetAsync).WithName("GetRevenueTimeseries").ProducesProblems(400);
        admin.MapGet("/revenue/cohorts", CohortsEndpoint.GetAsync).WithName("GetRevenueCohorts").ProducesProblems(400);
        admin.MapGet("/revenue/export.csv", ExportEndpoint.GetAsync).WithName("ExportRevenue").Produces<string>(200, "text/csv").ProducesProblems(400);
        admin.MapGet("/fx_rates", ListFxRatesAsync).WithName("ListFxRates").ProducesProblems(400);
        admin.MapPut("/fx_rates", SetFxRatesAsync).WithName("SetFxRates").ProducesProblems(400, 415);
    }

    private static async Task<Results<Ok<RevenueResponse>, ProblemHttpResult>> GetRevenueAsync(
        [FromQuery(Name = "as_of")] DateTimeOffset? asOf, [AsParameters] RevenueQuery query, RevenueReports reports,
        IOptions<RevenueOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!query.TryPolicy(options.Value, out var policy, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await reports.ComputeAsync(asOf ?? clock.GetUtcNow(), policy, ct));
    }

    private static async Task<Ok<FxRateList>> ListFxRatesAsync(DateOnly? date, FxRates rates, CancellationToken ct)
    {
        var rows = await rates.ListAsync(date, ct);
        return TypedResults.Ok(new FxRateList([.. rows.Select(FxRateResponse.From)], false, null));
    }

    private static async Task<Results<Ok<FxRateList>, ProblemHttpResult>> SetFxRatesAsync(
        SetFxRatesRequest? body, FxRates rates, StripeSettings stripe, CancellationToken ct)
    {
        if (body?.Date is not { } date)
        {
            return Problems.Validation("date", "is required (YYYY-MM-DD, the UTC day the rates take effect).");
        }

        if (body.Rates is not { Count: > 0 } given)
        {
            return Problems.Validation("rates", "must name at least one currency: {\"eur\": 1.10}.");
        }

        var quote = (body.QuoteCurrency ?? stripe.DefaultCurrency).ToLowerInvariant();
        if (!IsCurrency(quote))
        {
            return Problems.Validation("quote_currency", "is not a three-letter ISO currency code.");
        }

        var normalized = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (currency, rate) in given)
        {
            var code = currency.ToLowerInvariant();
            if (!IsCurrency(code) || code == quote)
            {
                return Problems.Validation($"rates.{currency}", "must be a three-letter ISO currency code other than the quote currency.");
            }

            if (rate <= 0)
            {
                return Problems.Validation($"rates.{currency}", "must be greater than 0.");
            }

            normalized[code] = rate;
        }

        var rows = await rates.SetAsync(date, quote, normalized, ct);
        return TypedResults.Ok(new FxRateList([.. rows.Select(FxRateResponse.From)], false, null));
    }

    private static bool IsCurrency(string code) => code.Length == 3 && code.All(char.IsAsciiLetterLower);
}
