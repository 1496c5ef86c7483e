using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// The dashboard at one instant T: MRR at T and at T0 = T − 30 days through the same code path (the
/// projection's levels, or <see cref="MrrSnapshot"/> over the history), movements, retention and churn
/// between them, cash in (T0, T]. Everything is unrounded <c>decimal</c> until the response is built.
/// </summary>
internal sealed class RevenueReports(RevenueData data, ProjectedRevenue projected, FxRates fx, StripeSettings stripe)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>From the projection when it serves the policy, else straight from the history; the same answer either way.</summary>
    public async Task<RevenueResponse> ComputeAsync(DateTimeOffset asOf, RevenuePolicy policy, CancellationToken ct)
    {
        var t = asOf.ToUniversalTime();
        var t0 = t - Window;
        var facts = await projected.FactsAsync(t0, t, policy, ct) ?? await DirectFactsAsync(t0, t, policy, ct);
        return await BuildAsync(t0, t, facts, policy, ct);
    }

    /// <summary>Straight from the history, whatever the projection holds (the reference the projection is tested against).</summary>
    public async Task<RevenueResponse> ComputeDirectAsync(DateTimeOffset asOf, RevenuePolicy policy, CancellationToken ct)
    {
        var t = asOf.ToUniversalTime();
        var t0 = t - Window;
        return await BuildAsync(t0, t, await DirectFactsAsync(t0, t, policy, ct), policy, ct);
    }

    private async Task<RevenueFacts> DirectFactsAsync(DateTimeOffset t0, DateTimeOffset t, RevenuePolicy policy, CancellationToken ct)
    {
        var window = await data.LoadAsync(t0, t, ct);
        var start = MrrSnapshot.At(window, t0, policy);
        var end = MrrSnapshot.At(window, t, policy);
        var candidates = end.ByCustomer.Where(kv => kv.Value > 0 && start.ByCustomer.GetValueOrDefault(kv.Key) == 0).Select(kv => kv.Key.Customer)
            .Concat(LogoChurn.Candidates(window, start, policy.ChurnFormula)).ToHashSet(StringComparer.Ordinal);
        var paying = await data.PaidBeforeAsync(candidates, t0, ct);
        return new RevenueFacts(Level.Of(start), Level.Of(end), Movements.Between(start, end, paying), LogoChurn.Compute(window, start, end, policy, paying), window.Paid);
    }

    private async Task<RevenueResponse> BuildAsync(DateTimeOffset t0, DateTimeOffset t, RevenueFacts facts, RevenuePolicy policy, CancellationToken ct)
    {
        var (start, end, movements, churn, paid) = facts;
        var reporting = stripe.DefaultCurrency;
        var rates = await fx.AtAsync(reporting, DateOnly.FromDateTime(t.UtcDateTime), ct);
        var startRates = await fx.AtAsync(reporting, DateOnly.FromDateTime(t0.UtcDateTime), ct);
        var cash = await CashAsync(paid, policy, rates, reporting, ct);

        var currencies = end.Currencies.Concat(start.Currencies).Concat(paid.Select(p => p.Currency)).Distinct().Order(StringComparer.Ordinal).ToList();
        var errors = currencies.Where(c => rates.RateOf(c) is null)
            .Select(c => new FxError(c, "fx_rate_missing", $"No {c}→{reporting} rate dated on or before {rates.Date:yyyy-MM-dd}: set one with PUT /api/admin/fx_rates."))
            .ToList();
        var byCurrency = currencies.ToDictionary(c => c, c => PerCurrency(c, start, end, movements.GetValueOrDefault(c, Movements.Zero), paid, policy, rates.RateOf(c)));

        var activeCustomers = end.ActiveCustomers;
        var activeSubscriptions = end.ByCurrency.Values.Sum(l => l.ActiveSubscriptions);
        var convert = errors.Count == 0;
        decimal Reporting(Func<string, decimal> minorOf) => currencies.Sum(c => Money.Major(minorOf(c), c) * rates.RateOf(c)!.Value);

        var mrr = convert ? Reporting(end.Mrr) : (decimal?)null;
        var startMrr = convert ? Reporting(start.Mrr) : (decimal?)null;
        var moved = convert
            ? currencies.Aggregate(Movements.Zero, (sum, c) => sum.Add(movements.GetValueOrDefault(c, Movements.Zero).Scale(Money.Major(1m, c) * rates.RateOf(c)!.Value)))
            : null;
        var arpu = mrr is { } m && activeCustomers > 0 ? m / activeCustomers : (decimal?)null;
        var churnRate = churn.Rate;
        var retention = Retention.Of(startMrr, moved);
        var bridge = convert && currencies.All(c => startRates.RateOf(c) is not null)
            ? new FxBridgeResponse(
                Money.Round(currencies.Sum(c => Money.Major(start.Mrr(c), c) * startRates.RateOf(c)!.Value), 2),
                Money.Round(currencies.Sum(c => Money.Major(start.Mrr(c), c) * (rates.RateOf(c)!.Value - startRates.RateOf(c)!.Value)), 2))
            : null;

        return new RevenueResponse(
            t, t0, reporting, rates.NewestDate,
            Money.Round(mrr, 2), Money.Round(mrr * 12, 2),
            convert ? Money.Round(Reporting(end.Usage), 2) : null,
            convert ? Money.Round(Reporting(c => end.MrrIncludingUsage(c, policy)), 2) : null,
            Money.Round(churnRate, 4), Money.Round(churnRate * 100, 2),
            activeSubscriptions, activeCustomers,
            convert ? Money.Round(cash, 2) : null,
            Money.Round(arpu, 2), Money.Round(activeSubscriptions > 0 ? mrr / activeSubscriptions : null, 2),
            convert ? Money.Round(Reporting(c => end.ByCurrency.GetValueOrDefault(c)?.ScheduledToCancel ?? 0m), 2) : null,
            moved is null ? null : MovementsResponse.From(moved, 2),
            Money.Round(startMrr, 2),
            Money.Round(retention?.Gross, 4), Money.Round(retention?.Net, 4), Money.Round(retention?.NetWithReactivation, 4),
            Money.Round(retention?.Nrr, 4), Money.Round(retention?.Grr, 4),
            Money.Round(arpu is { } a && churnRate is > 0 ? a / churnRate : null, 2),
            Money.Round(moved is { } mv && mv.Contraction + mv.Churn > 0 ? (mv.New + mv.Expansion) / (mv.Contraction + mv.Churn) : null, 4),
            bridge,
            new ChurnDetail(churn.Formula, churn.AtStart, churn.Churned, churn.New),
            byCurrency, errors, [.. start.MissingPrices.Union(end.MissingPrices).Order(StringComparer.Ordinal)], PolicyResponse.From(policy));
    }

    private static CurrencyRevenue PerCurrency(
        string c, Level start, Level end, Movements moved, IReadOnlyList<PaidInvoice> paid, RevenuePolicy policy, decimal? rate)
    {
        var mrr = end.Mrr(c);
        var startMrr = start.Mrr(c);
        var level = end.ByCurrency.GetValueOrDefault(c);
        var customers = level?.ActiveCustomers ?? 0;
        var retention = Retention.Of(startMrr, moved);
        var exp = Money.Exponent(c);
        return new CurrencyRevenue(
            Money.Show(mrr, c), Money.Show(mrr * 12, c), Money.Show(end.Usage(c), c), Money.Show(end.MrrIncludingUsage(c, policy), c),
            Money.Show(paid.Where(p => p.Currency == c).Sum(p => (decimal)p.AmountPaid), c),
            customers, level?.ActiveSubscriptions ?? 0,
            customers > 0 ? Money.Round(Money.Major(mrr, c) / customers, exp) : null,
            Money.Show(level?.ScheduledToCancel ?? 0m, c), Money.Show(startMrr, c),
            MovementsResponse.From(moved.Scale(Money.Major(1m, c)), exp),
            Money.Round(retention?.Gross, 4), Money.Round(retention?.Net, 4), Money.Round(retention?.Nrr, 4), Money.Round(retention?.Grr, 4), rate);
    }

    /// <summary>Cash collected in (T0, T], converted at T's rates or (policy <c>paid_at</c>) at each invoice day's.</summary>
    private async Task<decimal?> CashAsync(IReadOnlyList<PaidInvoice> paid, RevenuePolicy policy, FxTable rates, string reporting, CancellationToken ct)
    {
        var total = 0m;
        foreach (var day in paid.GroupBy(p => policy.CashFxRate == "paid_at" ? DateOnly.FromDateTime(p.PaidAt.UtcDateTime) : rates.Date))
        {
            var table = day.Key == rates.Date ? rates : await fx.AtAsync(reporting, day.Key, ct);
            if (day.Any(p => table.RateOf(p.Currency) is null))
            {
                return null;
            }

            total += day.Sum(p => Money.Major(p.AmountPaid, p.Currency) * table.RateOf(p.Currency)!.Value);
        }

        return total;
    }
}

/// <summary>Revenue retention over the window for the cohort A(T0) (§3.10); null when the start MRR is 0.</summary>
internal sealed record Retention(decimal Gross, decimal Net, decimal NetWithReactivation, decimal Nrr, decimal Grr)
{
    public static Retention? Of(decimal? start, Movements? m)
    {
        if (start is not { } s || s == 0 || m is null)
        {
            return null;
        }

        var nrr = (s - m.Churn - m.Contraction + m.Expansion) / s;
        return new Retention((m.Churn + m.Contraction) / s, 1 - nrr, (m.Churn + m.Contraction - m.Expansion - m.Reactivation) / s, nrr, (s - m.Churn - m.Contraction) / s);
    }
}
