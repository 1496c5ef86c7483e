using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Tally.Api.Features.Mirror;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Mirror;

public sealed class RedisCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PriceCachedByOneInstance_IsServedToAnotherFromRedis()
    {
        if (RedisTallyFactory.RedisUrl is null)
        {
            Assert.Skip("TALLY_TEST_REDIS is not set (./test.sh starts a Redis and sets it).");
        }

        await using var first = new RedisTallyFactory();
        await first.InitializeAsync();
        await using var second = new RedisTallyFactory();
        await second.InitializeAsync();
        var price = await first.Stripe.V1.Prices.CreateAsync(new global::Stripe.PriceCreateOptions
        {
            Currency = "usd", Product = first.ProductId, UnitAmount = 12_300, Recurring = new() { Interval = "year" },
        }, cancellationToken: Ct);

        var cached = await first.Services.GetRequiredService<PriceCatalog>().GetAsync(price.Id, Ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new Uri(RedisTallyFactory.RedisUrl).Authority);
        // The second-level write may complete just after the read returns.
        await Eventually.TrueAsync(() => redis.GetDatabase().KeyExistsAsync("price:" + price.Id), "the price to be written to Redis");

        var fromRedis = await second.Services.GetRequiredService<PriceCatalog>().GetAsync(price.Id, Ct);

        Assert.Equal(12_300, cached!.UnitAmount);
        Assert.Equal(cached, fromRedis);
        Assert.DoesNotContain(second.Emulator.Control.Requests, r => r.Path.Contains(price.Id, StringComparison.Ordinal));
    }
}
