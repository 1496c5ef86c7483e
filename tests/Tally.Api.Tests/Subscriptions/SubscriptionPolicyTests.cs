using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Subscriptions;

/// <summary>Which prices an editor may subscribe to (the allow-list), and at most one live subscription per user and price.</summary>
public sealed class SubscriptionPolicyTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APriceOutsideTheAllowList_Is422_AndCreatesNothing()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);
        // Another product's active price on the same account, e.g. a $0 internal plan.
        var internalProduct = await factory.Stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Internal" }, cancellationToken: Ct);
        var free = await factory.Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = internalProduct.Id, UnitAmount = 0, Recurring = new PriceRecurringOptions { Interval = "month" },
        }, cancellationToken: Ct);

        foreach (var price in new[] { free.Id, "price_does_not_exist" })
        {
            var answer = await client.PostAsJsonAsync("/api/billing/subscriptions", new { price_id = price }, Ct);
            var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.UnprocessableEntity, "price_not_allowed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("price_id", out _));
        }

        Assert.Empty((await factory.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customerId, Status = "all" }, cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task TheConfiguredAllowList_ReplacesTheDefault()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        await StripeArrange.CreateCustomerAsync(client);
        var extra = await factory.Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = factory.ProductId, UnitAmount = 3,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = factory.MeterId },
        }, cancellationToken: Ct);
        var account = factory.Services.GetRequiredService<StripeAccount>();
        account.AllowedPriceIds = new HashSet<string>([extra.Id], StringComparer.Ordinal);
        try
        {
            await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/billing/subscriptions", new { }, Ct),
                HttpStatusCode.UnprocessableEntity, "price_not_allowed");
            var allowed = await client.PostAsJsonAsync("/api/billing/subscriptions", new { price_id = extra.Id }, Ct);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        finally
        {
            account.AllowedPriceIds = null;
        }
    }

    [Fact]
    public async Task ASecondLiveSubscriptionToTheSamePrice_Is409_AnotherPriceIsNot()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);
        var first = await client.PostAsJsonAsync("/api/billing/subscriptions", new { }, Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var second = await client.PostAsJsonAsync("/api/billing/subscriptions", new { price_id = factory.PriceId }, Ct);

        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "subscription_exists");
        var other = await factory.Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = factory.ProductId, UnitAmount = 4,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = factory.MeterId },
        }, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/billing/subscriptions", new { price_id = other.Id }, Ct)).StatusCode);
        var inStripe = await factory.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customerId, Status = "all" }, cancellationToken: Ct);
        Assert.Equal(2, inStripe.Data.Count);

        // Once the first one is canceled, the price may be subscribed to again.
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("subscription_id").GetString()!;
        await factory.Stripe.V1.Subscriptions.CancelAsync(firstId, cancellationToken: Ct);
        await Eventually.TrueAsync(async () =>
            (await client.PostAsJsonAsync("/api/billing/subscriptions", new { }, Ct)).StatusCode == HttpStatusCode.OK,
            "a new subscription to the price once the old one is canceled");
    }
}
