using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Usage;

/// <summary>
/// Live usage per metered item of a user in its current period: what Tally holds (delivered, pending, failed),
/// Stripe's own total when it can say, and the amount the price puts on it (per-unit or tiered; null when a
/// tiered price's tiers cannot be read now). <c>/api/billing/usage_summary</c> and the admin's user page.
/// </summary>
internal sealed class UsageSummaries(
    TallyDbContext db, UsageTargets targets, UsagePricing pricing, MeterNames meters, StripeGateway gateway, StripeTime stripeTime)
{
    public async Task<UsageSummaryResponse> OfUserAsync(long userId, string? customerId, CancellationToken ct)
    {
        var items = new List<UsageSummaryItem>();
        foreach (var item in (await targets.OfUserAsync(userId, customerId, ct)).Where(t => t.IsReportable))
        {
            var (start, end) = item.PeriodOf(await stripeTime.NowAsync(item.CustomerId, ct));
            var totals = await db.Set<UsageRecord>().AsNoTracking()
                .Where(r => r.StripeSubscriptionItemId == item.ItemId && r.PeriodStart == start)
                .GroupBy(r => r.Status)
                .Select(g => new { Status = g.Key, Total = g.Sum(r => r.Quantity) })
                .ToListAsync(ct);
            decimal Of(string s) => totals.Where(t => t.Status == s).Sum(t => t.Total);
            var local = totals.Sum(t => t.Total);
            var stripeTotal = await gateway.MeterTotalAsync(item.MeterId, item.CustomerId, start, end, ct);
            var amount = await pricing.EstimateAsync(item, local, ct);
            items.Add(new UsageSummaryItem(item.ItemId, item.SubscriptionId, item.PriceId, await meters.EventNameAsync(item.MeterId, ct) ?? "",
                start, end, local, Of(UsageStatus.Reported), Of(UsageStatus.Pending), Of(UsageStatus.Failed), stripeTotal, item.Currency, amount));
        }

        return new UsageSummaryResponse(userId, items);
    }
}
