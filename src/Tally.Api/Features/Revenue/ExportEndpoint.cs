using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Tally.Api.Features.Revenue;

/// <summary>Per-subscription MRR at <c>as_of</c> as CSV (the export Stripe offers), one row per subscription recorded then.</summary>
internal static class ExportEndpoint
{
    public const string Header = "subscription_id,customer_id,status,currency,mrr,usage_mrr,active,scheduled_to_cancel";

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(
        [FromQuery(Name = "as_of")] DateTimeOffset? asOf, [AsParameters] RevenueQuery query, RevenueData data, IOptions<RevenueOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        if (!query.TryPolicy(options.Value, out var policy, out var problem))
        {
            return problem!;
        }

        var t = (asOf ?? clock.GetUtcNow()).ToUniversalTime();
        var window = await data.LoadAsync(t, t, ct);
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var s in window.At(t).OrderBy(s => s.CustomerId, StringComparer.Ordinal).ThenBy(s => s.SubscriptionId, StringComparer.Ordinal))
        {
            var currency = MrrCalculator.Currency(s, window.Prices) ?? "";
            var eligible = MrrCalculator.Eligible(s, t, policy);
            var usage = eligible ? window.UsageAt(s.SubscriptionId, t, policy) : 0m;
            var mrr = MrrCalculator.SubMrr(s, t, window.Prices, policy, usage);
            csv.Append(Field(s.SubscriptionId)).Append(',').Append(Field(s.CustomerId)).Append(',').Append(Field(s.Status)).Append(',')
                .Append(currency).Append(',').Append(Amount(mrr, currency)).Append(',').Append(Amount(usage, currency)).Append(',')
                .Append(mrr > 0 ? "true" : "false").Append(',').Append(eligible && s.ScheduledToCancel ? "true" : "false").Append('\n');
        }

        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    private static string Amount(decimal minor, string currency) =>
        currency.Length == 0 ? "" : Money.Show(minor, currency).ToString("F" + Money.Exponent(currency), CultureInfo.InvariantCulture);

    /// <summary>Stripe ids and statuses never hold a comma or quote; anything else is quoted.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
