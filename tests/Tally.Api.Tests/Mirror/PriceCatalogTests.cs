using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Mirror;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Mirror;

public sealed class PriceCatalogTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int StripeReads(string priceId) => factory.Emulator.Control.Requests.Count(r => r.Method == "GET" && r.Path == $"/v1/prices/{priceId}");

    [Fact]
    public async Task UnknownToTheMirror_IsFetchedOnce_ThenServedWithoutStripe()
    {
        // No webhooks during this test: the processor would mirror the new price (and read it) by itself.
        factory.Emulator.Control.WebhooksPaused = true;
        try
        {
            await FetchedOnceAsync();
        }
        finally
        {
            factory.Emulator.Control.WebhooksPaused = false;
        }
    }

    [Fact]
    public async Task PriceUpdatedWebhook_InvalidatesTheCachedPrice()
    {
        var price = await factory.Stripe.V1.Prices.CreateAsync(new global::Stripe.PriceCreateOptions
        {
            Currency = "usd", Product = factory.ProductId, UnitAmount = 700, Nickname = "Before", Recurring = new() { Interval = "month" },
        }, cancellationToken: Ct);
        var catalog = factory.Services.GetRequiredService<PriceCatalog>();
        Assert.Equal("Before", (await catalog.GetAsync(price.Id, Ct))!.Nickname);

        await factory.Stripe.V1.Prices.UpdateAsync(price.Id, new global::Stripe.PriceUpdateOptions { Nickname = "After" }, cancellationToken: Ct);

        // The price.updated webhook is delivered and processed asynchronously.
        var nickname = await Eventually.ValueAsync(async () => (await catalog.GetAsync(price.Id, Ct))!.Nickname, n => n == "After",
            "the price.updated webhook to refresh the catalog");

        Assert.Equal("After", nickname);
    }

    private async Task FetchedOnceAsync()
    {
        var price = await factory.Stripe.V1.Prices.CreateAsync(new global::Stripe.PriceCreateOptions
        {
            Currency = "eur", Product = factory.ProductId, UnitAmount = 4_900, Recurring = new() { Interval = "month" },
        }, cancellationToken: Ct);
        var catalog = factory.Services.GetRequiredService<PriceCatalog>();

        var first = await catalog.GetAsync(price.Id, Ct);
        var second = await catalog.GetAsync(price.Id, Ct);
        await catalog.InvalidateAsync(price.Id, Ct);
        var third = await catalog.GetAsync(price.Id, Ct);

        Assert.Equal(4_900, first!.UnitAmount);
        Assert.Equal(("eur", "month"), (second!.Currency, second.Interval));
        Assert.Equal(first, third);
        Assert.Equal(1, StripeReads(price.Id));
        Assert.True(await factory.WithDbAsync(db => db.Set<MirroredPrice>().AnyAsync(p => p.StripePriceId == price.Id && p.UnitAmount == 4_900, Ct)));
    }

    [Fact]
    public async Task UnknownPrice_IsNull()
    {
        var catalog = factory.Services.GetRequiredService<PriceCatalog>();

        Assert.Null(await catalog.GetAsync("price_does_not_exist", Ct));
    }
}
