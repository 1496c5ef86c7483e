using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>One subscription's MRR at an instant (minor units, unrounded; 0 when not eligible), in its currency.</summary>
internal sealed record SubscriptionMrrValue(string Currency, decimal Minor)
{
    public decimal Major => Money.Show(Minor, Currency);
}

/// <summary>Per-subscription MRR for lists (the admin subscriptions list): the configured policy, a few subscriptions at a time.</summary>
internal sealed class SubscriptionMrr(TallyDbContext db, IOptions<RevenueOptions> options)
{
    public async Task<Dictionary<string, SubscriptionMrrValue>> AtAsync(IReadOnlyCollection<string> subscriptionIds, DateTimeOffset t, CancellationToken ct)
    {
        var ids = subscriptionIds.ToList();
        var rows = await db.SubscriptionHistoryDuring(t, t).Where(h => ids.Contains(h.StripeSubscriptionId)).ToListAsync(ct);
        var discounts = (await db.MirroredSubscriptionDiscounts().Where(d => ids.Contains(d.StripeSubscriptionId)).ToListAsync(ct))
            .ToLookup(d => d.StripeSubscriptionId, SubscriptionState.Of);
        var states = rows.Select(h => SubscriptionState.Of(h, [.. discounts[h.StripeSubscriptionId]])).ToList();
        var priceIds = states.SelectMany(s => s.Items.Select(i => i.Price)).Distinct().ToList();
        var prices = (await db.MirroredPrices().Where(p => priceIds.Contains(p.StripePriceId)).ToListAsync(ct)).ToDictionary(p => p.StripePriceId, PriceTerms.From);
        var policy = options.Value.ToPolicy() with { IncludeMeteredInMrr = false };
        var result = new Dictionary<string, SubscriptionMrrValue>(StringComparer.Ordinal);
        foreach (var s in states.Where(s => s.ValidAt(t)))
        {
            if (MrrCalculator.Currency(s, prices) is { } currency)
            {
                result[s.SubscriptionId] = new SubscriptionMrrValue(currency, MrrCalculator.SubMrr(s, t, prices, policy));
            }
        }

        return result;
    }
}
