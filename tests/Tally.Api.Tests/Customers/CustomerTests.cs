using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Customers;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Customers;

/// <summary>The caller's Stripe customer: created once however many instances ask, read back, and outages.</summary>
public sealed class CustomerTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateCustomer_TwentyConcurrentCalls_MakeOneStripeCustomerAndOneStoredId()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var email = await EmailOfAsync(userId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostAsync("/api/stripe/create_customer", null, Ct)));

        var ids = new List<string>();
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
            ids.Add(body.GetProperty("stripe_customer_id").GetString()!);
            Assert.Equal(email, body.GetProperty("email").GetString());
            Assert.True(body.GetProperty("created").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
        }

        var id = Assert.Single(ids.Distinct());
        var inStripe = await factory.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 100 }, cancellationToken: Ct);
        Assert.Equal(id, Assert.Single(inStripe.Data).Id);
        Assert.Equal(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), inStripe.Data[0].Metadata["tally_user_id"]);
        Assert.Equal(id, await StoredCustomerIdAsync(userId));
        var mirrored = await factory.WithDbAsync(db => db.Set<MirroredCustomer>().SingleAsync(c => c.StripeCustomerId == id, Ct));
        Assert.Equal(userId, mirrored.UserId);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);
        Assert.Equal(id, me.GetProperty("stripe_customer_id").GetString());

        var (other, otherId) = await factory.ClientWithRoleAsync("editor");
        var second = await (await other.PostAsync("/api/stripe/create_customer", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        Assert.NotEqual(id, second.GetProperty("stripe_customer_id").GetString());
        Assert.Equal(second.GetProperty("stripe_customer_id").GetString(), await StoredCustomerIdAsync(otherId));
    }

    [Fact]
    public async Task CreateCustomer_AfterAnotherInstanceCreatedButDidNotStoreIt_ConvergesOnThatCustomer()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var email = await EmailOfAsync(userId);
        CustomerRecord early;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // What an instance that crashed between the Stripe call and the database write leaves behind.
            early = (await scope.ServiceProvider.GetRequiredService<StripeGateway>().CreateCustomerAsync(userId, 0, email, null, Ct)).Value!;
        }

        var answer = await client.PostAsync("/api/stripe/create_customer", null, Ct);

        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        Assert.Equal(early.Id, body.GetProperty("stripe_customer_id").GetString());
        Assert.Equal(early.Id, await StoredCustomerIdAsync(userId));
        var inStripe = await factory.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email }, cancellationToken: Ct);
        Assert.Single(inStripe.Data);
    }

    [Fact]
    public async Task CreateCustomer_SeveralInstancesAtOnce_ConvergeOnOneCustomer()
    {
        var (_, userId) = await factory.ClientWithRoleAsync("editor");
        var email = await EmailOfAsync(userId);

        // Each "instance" has its own per-user locks and its own scope (DbContext): only Stripe's
        // idempotency key and the database's conditional update keep them together.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var accounts = ActivatorUtilities.CreateInstance<CustomerAccounts>(scope.ServiceProvider, new UserLocks());
            return await accounts.EnsureCustomerAsync(userId, Ct);
        }));

        var id = Assert.Single(results.Select(r => r.StripeCustomerId).Distinct());
        var inStripe = await factory.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email }, cancellationToken: Ct);
        Assert.Equal(id, Assert.Single(inStripe.Data).Id);
        Assert.Equal(id, await StoredCustomerIdAsync(userId));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<MirroredCustomer>().CountAsync(c => c.StripeCustomerId == id, Ct)));
    }

    [Fact]
    public async Task CreateCustomer_WhileAnotherInstancesRequestIsInFlight_WaitsForItsCustomer()
    {
        var (_, userId) = await factory.ClientWithRoleAsync("editor");
        var email = await EmailOfAsync(userId);
        factory.Emulator.Control.ClearRequests();
        // The first create is held inside the emulator (after it claimed the idempotency key), so the
        // second instance's create with the same key gets Stripe's 409 "in progress" until it completes.
        factory.Emulator.Control.AddFault(new Tally.StripeEmulator.FaultRule
        {
            PathPrefix = "/v1/customers", Method = "POST", Kind = Tally.StripeEmulator.FaultKind.Latency,
            Latency = TimeSpan.FromSeconds(3), Remaining = 1,
        });

        var first = EnsureOnAnotherInstanceAsync(userId);
        await Eventually.TrueAsync(() => Task.FromResult(factory.Emulator.Control.Requests.Any(r => r.Path == "/v1/customers" && r.Method == "POST")),
            "the first instance's create to reach Stripe");

        var second = EnsureOnAnotherInstanceAsync(userId);
        var results = await Task.WhenAll(first, second);

        Assert.Equal(results[0].StripeCustomerId, results[1].StripeCustomerId);
        Assert.Contains(factory.Emulator.Control.Requests, r => r.Path == "/v1/customers" && r.Status == 409);
        var inStripe = await factory.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email }, cancellationToken: Ct);
        Assert.Equal(results[0].StripeCustomerId, Assert.Single(inStripe.Data).Id);
        Assert.Equal(results[0].StripeCustomerId, await StoredCustomerIdAsync(userId));
    }

    private async Task<Tally.Api.Features.Customers.CreateCustomerResponse> EnsureOnAnotherInstanceAsync(long userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var accounts = ActivatorUtilities.CreateInstance<CustomerAccounts>(scope.ServiceProvider, new UserLocks());
        return await accounts.EnsureCustomerAsync(userId, Ct);
    }

    [Fact]
    public async Task GetCustomer_DeletedInStripe_Is404()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);
        await factory.Stripe.V1.Customers.DeleteAsync(customerId, cancellationToken: Ct);

        var answer = await client.GetAsync("/api/stripe/customer", Ct);

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.NotFound, "no_stripe_customer");
    }

    [Fact]
    public async Task GetCustomer_WithoutCustomer_Is404WithTheSeedsMessage()
    {
        var (client, _) = await factory.ClientWithRoleAsync("viewer");

        var answer = await client.GetAsync("/api/stripe/customer", Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.NotFound, "no_stripe_customer");
        Assert.Equal("User has no Stripe customer", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreateCustomer_DuringStripeOutage_Is502_AndStoresNothing()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        factory.Emulator.Control.Outage = Tally.StripeEmulator.OutageMode.ServiceUnavailable;
        try
        {
            var answer = await client.PostAsync("/api/stripe/create_customer", null, Ct);
            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadGateway, "stripe_unavailable");
        }
        finally
        {
            factory.Emulator.Control.Outage = Tally.StripeEmulator.OutageMode.None;
        }

        Assert.Null(await StoredCustomerIdAsync(userId));
        Assert.False(await factory.WithDbAsync(db => db.Set<MirroredCustomer>().AnyAsync(c => c.UserId == userId, Ct)));
    }

    private Task<string?> EmailOfAsync(long userId) => UserRows.EmailAsync(factory, userId);

    private Task<string?> StoredCustomerIdAsync(long userId) => UserRows.StripeCustomerIdAsync(factory, userId);
}
