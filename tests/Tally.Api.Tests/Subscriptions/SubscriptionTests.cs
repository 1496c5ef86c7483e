using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;
using Subscription = Tally.Api.Features.Mirror.Subscription;
using SubscriptionItem = Tally.Api.Features.Mirror.SubscriptionItem;

namespace Tally.Api.Tests.Subscriptions;

public sealed class SubscriptionTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateSubscription_ThroughTheApi_StoresItWithItsItemId()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        // No body at all: the default metered price.
        var answer = await client.PostAsync("/api/billing/subscriptions", null, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        var subscriptionId = body.GetProperty("subscription_id").GetString()!;
        var itemId = body.GetProperty("subscription_item_id").GetString()!;
        Assert.StartsWith("si_", itemId, StringComparison.Ordinal);
        Assert.Equal(factory.PriceId, body.GetProperty("price_id").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("current_period_end").GetDateTimeOffset() > body.GetProperty("current_period_start").GetDateTimeOffset());

        var inStripe = await factory.Stripe.V1.Subscriptions.GetAsync(subscriptionId, cancellationToken: Ct);
        Assert.Equal(customerId, inStripe.CustomerId);
        Assert.Equal(itemId, Assert.Single(inStripe.Items.Data).Id);
        var stored = await factory.WithDbAsync(db => db.Set<Subscription>().SingleAsync(s => s.StripeSubscriptionId == subscriptionId, Ct));
        Assert.Equal(itemId, stored.StripeSubscriptionItemId);
        Assert.Equal(userId, stored.UserId);
        Assert.Equal(customerId, stored.StripeCustomerId);
        Assert.True(await factory.WithDbAsync(db => db.Set<SubscriptionItem>().AnyAsync(i => i.StripeSubscriptionItemId == itemId && i.PriceId == factory.PriceId, Ct)));

        var own = await client.GetFromJsonAsync<JsonElement>("/api/billing/subscriptions", TallyFactory.Json, Ct);
        Assert.Equal(subscriptionId, Assert.Single(own.GetProperty("data").EnumerateArray()).GetProperty("subscription_id").GetString());
    }

    [Fact]
    public async Task CreateSubscription_SameIdempotencyKeyTwice_MakesOneSubscription()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);
        var key = $"sub-{Guid.NewGuid():N}";

        var answers = await Task.WhenAll(PostWithKeyAsync(client, key, new { }), PostWithKeyAsync(client, key, new { }));
        var third = await PostWithKeyAsync(client, key, new { });

        var ids = new List<string>();
        foreach (var answer in answers.Append(third))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            ids.Add((await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("subscription_id").GetString()!);
        }

        var id = Assert.Single(ids.Distinct());
        var inStripe = await factory.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customerId, Status = "all" }, cancellationToken: Ct);
        Assert.Equal(id, Assert.Single(inStripe.Data).Id);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<Subscription>().CountAsync(s => s.StripeCustomerId == customerId, Ct)));

        // The same key for a different request is refused; a new key creates a second subscription.
        var otherPrice = await factory.Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = factory.ProductId, UnitAmount = 5,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = factory.MeterId },
        }, cancellationToken: Ct);
        await ProblemAssert.IsProblemAsync(await PostWithKeyAsync(client, key, new { price_id = otherPrice.Id }), HttpStatusCode.Conflict, "idempotency_key_reused");
        var fresh = await PostWithKeyAsync(client, $"sub-{Guid.NewGuid():N}", new { price_id = otherPrice.Id });
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(otherPrice.Id, (await fresh.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("price_id").GetString());
        inStripe = await factory.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customerId, Status = "all" }, cancellationToken: Ct);
        Assert.Equal(2, inStripe.Data.Count);
    }

    [Fact]
    public async Task CreateSubscription_SameKeyFromTwoUsers_MakesOneEach()
    {
        var key = $"shared-{Guid.NewGuid():N}";
        var ids = new List<string>();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var (client, _) = await factory.ClientWithRoleAsync("editor");
            var customerId = await StripeArrange.CreateCustomerAsync(client);
            var answer = await PostWithKeyAsync(client, key, new { });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var id = (await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("subscription_id").GetString()!;
            Assert.Equal(customerId, (await factory.Stripe.V1.Subscriptions.GetAsync(id, cancellationToken: Ct)).CustomerId);
            ids.Add(id);
        }

        Assert.Equal(2, ids.Distinct().Count());
    }

    [Fact]
    public async Task CreateSubscription_WithoutCustomer_Is404_AndCreatesNothing()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var before = factory.Emulator.Control.Requests.Count(r => r.Path == "/v1/subscriptions");

        var answer = await client.PostAsJsonAsync("/api/billing/subscriptions", new { }, Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.NotFound, "no_stripe_customer");
        Assert.Equal("User has no Stripe customer", problem.GetProperty("detail").GetString());
        Assert.Equal(before, factory.Emulator.Control.Requests.Count(r => r.Path == "/v1/subscriptions"));
        Assert.False(await factory.WithDbAsync(db => db.Set<Subscription>().AnyAsync(s => s.UserId == userId, Ct)));
    }

    [Theory]
    [InlineData("price with spaces", HttpStatusCode.BadRequest, "validation_failed")]
    [InlineData("price_does_not_exist", HttpStatusCode.UnprocessableEntity, "price_not_allowed")]
    public async Task CreateSubscription_BadPrice_IsAProblemNamingTheField_AndStoresNothing(string priceId, HttpStatusCode status, string code)
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        var answer = await client.PostAsJsonAsync("/api/billing/subscriptions", new { price_id = priceId }, Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, status, code);
        Assert.True(problem.GetProperty("errors").TryGetProperty("price_id", out _));
        var inStripe = await factory.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customerId, Status = "all" }, cancellationToken: Ct);
        Assert.Empty(inStripe.Data);
        Assert.False(await factory.WithDbAsync(db => db.Set<Subscription>().AnyAsync(s => s.StripeCustomerId == customerId, Ct)));
    }

    [Fact]
    public async Task CreateSubscription_BadIdempotencyKey_Is400NamingTheHeader()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        var answer = await PostWithKeyAsync(client, new string('k', 256), new { });

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.False(await factory.WithDbAsync(db => db.Set<Subscription>().AnyAsync(s => s.StripeCustomerId == customerId, Ct)));
    }

    [Fact]
    public async Task CreateSubscription_WithoutAnyPriceConfigured_Is422()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);
        var account = factory.Services.GetRequiredService<StripeAccount>();
        var configured = account.PriceMeteredId;
        account.PriceMeteredId = null;
        try
        {
            var answer = await client.PostAsJsonAsync("/api/billing/subscriptions", new { }, Ct);
            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.UnprocessableEntity, "no_default_price");
        }
        finally
        {
            account.PriceMeteredId = configured;
        }

        Assert.False(await factory.WithDbAsync(db => db.Set<Subscription>().AnyAsync(s => s.StripeCustomerId == customerId, Ct)));
    }

    [Fact]
    public async Task CreateMeteredSubscriptionAsync_AsAServiceCall_CreatesAndStores()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        await StripeArrange.CreateCustomerAsync(client);
        await using var scope = factory.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<MeteredSubscriptions>().CreateMeteredSubscriptionAsync(userId, null, "service-key", Ct);

        Assert.Equal(SubscriptionOutcome.Created, result.Outcome);
        var stored = await factory.WithDbAsync(db => db.Set<Subscription>().SingleAsync(s => s.UserId == userId, Ct));
        Assert.Equal(result.Subscription!.SubscriptionItemId, stored.StripeSubscriptionItemId);
    }

    [Fact]
    public async Task ListSubscriptions_ViewerSeesOwn_AdminSeesAllWithFilters()
    {
        var (owner, ownerId) = await factory.ClientWithRoleAsync("editor");
        await StripeArrange.CreateCustomerAsync(owner);
        var first = await (await owner.PostAsJsonAsync("/api/billing/subscriptions", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        // A second live subscription needs another (allowed) price: one per user and price.
        var otherPrice = await factory.Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = factory.ProductId, UnitAmount = 7,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = factory.MeterId },
        }, cancellationToken: Ct);
        var second = await (await owner.PostAsJsonAsync("/api/billing/subscriptions", new { price_id = otherPrice.Id }, Ct)).Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        var (viewer, _) = await factory.ClientWithRoleAsync("viewer");
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var none = await viewer.GetFromJsonAsync<JsonElement>("/api/billing/subscriptions", TallyFactory.Json, Ct);
        Assert.Empty(none.GetProperty("data").EnumerateArray());

        var page1 = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/subscriptions?user_id={ownerId}&status=active&limit=1", TallyFactory.Json, Ct);
        var row = Assert.Single(page1.GetProperty("data").EnumerateArray());
        Assert.Equal(second.GetProperty("subscription_id").GetString(), row.GetProperty("subscription_id").GetString());
        Assert.Equal(ownerId, row.GetProperty("user_id").GetInt64());
        Assert.True(page1.GetProperty("has_more").GetBoolean());
        var cursor = page1.GetProperty("next_cursor").GetString();
        var page2 = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/subscriptions?user_id={ownerId}&status=active&limit=1&cursor={cursor}", TallyFactory.Json, Ct);
        Assert.Equal(first.GetProperty("subscription_id").GetString(), Assert.Single(page2.GetProperty("data").EnumerateArray()).GetProperty("subscription_id").GetString());
        Assert.False(page2.GetProperty("has_more").GetBoolean());

        var canceled = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/subscriptions?user_id={ownerId}&status=canceled", TallyFactory.Json, Ct);
        Assert.Empty(canceled.GetProperty("data").EnumerateArray());
        var bad = await admin.GetAsync("/api/admin/subscriptions?status=sleeping", Ct);
        var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/admin/subscriptions", Ct), HttpStatusCode.Forbidden);
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/subscriptions") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }
}
