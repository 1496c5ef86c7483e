using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

/// <summary>
/// Prices for every reader that must not call Stripe per request (usage pipeline, dashboard):
/// HybridCache in memory (and Redis when <c>REDIS_URL</c> is set) over the mirror's <c>prices</c>
/// table; only a price the mirror has never seen is fetched from Stripe, once, and mirrored.
/// Amounts are immutable in Stripe; <c>price.*</c> webhooks call <see cref="InvalidateAsync"/> for the flags.
/// </summary>
internal sealed class PriceCatalog(HybridCache cache, IServiceScopeFactory scopes)
{
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromMinutes(10) };

    public async Task<PriceRecord?> GetAsync(string priceId, CancellationToken ct) =>
        await cache.GetOrCreateAsync(Key(priceId), priceId, LoadAsync, Entry, cancellationToken: ct);

    public ValueTask InvalidateAsync(string priceId, CancellationToken ct = default) => cache.RemoveAsync(Key(priceId), ct);

    private async ValueTask<PriceRecord?> LoadAsync(string priceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        if (await db.MirroredPrices().FirstOrDefaultAsync(p => p.StripePriceId == priceId, ct) is { } row)
        {
            return ToRecord(row);
        }

        var fetched = await scope.ServiceProvider.GetRequiredService<StripeGateway>().GetPriceAsync(priceId, ct);
        if (fetched is not null)
        {
            await scope.ServiceProvider.GetRequiredService<MirrorUpdates>().ApplyFetchedPriceAsync(fetched, ct);
        }

        return fetched;
    }

    private static PriceRecord ToRecord(MirroredPrice p) => new(
        p.StripePriceId, p.StripeProductId, p.Currency, p.UnitAmount, p.UnitAmountDecimal, p.Type, p.BillingScheme, p.RecurringInterval,
        p.RecurringIntervalCount, p.UsageType, p.MeterId, p.Active, p.Nickname, p.LookupKey, p.Deleted, p.StripeCreated);

    private static string Key(string priceId) => "price:" + priceId;
}
