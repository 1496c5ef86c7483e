using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Billing;

/// <summary>Issue 15.2: an <c>Idempotency-Key</c> survives a restart from the persisted state.</summary>
public sealed class IdempotencyPersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubscriptionCreate_WithTheSameKey_AfterARestart_ReplaysTheFirstSubscription()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emu-idem-{Guid.NewGuid():N}.json");
        var key = EmulatorFixture.NewKey();
        var options = new RequestOptions { IdempotencyKey = "sub-create-" + Guid.NewGuid().ToString("N") };
        try
        {
            string customer, price, first;
            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var stripe = Clients.For(server, key, 0);
                customer = await CatalogSeed.CustomerAsync(stripe);
                price = await CatalogSeed.PriceAsync(stripe, 900);
                first = (await stripe.V1.Subscriptions.CreateAsync(Create(customer, price), options, Ct)).Id;
            }

            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var stripe = Clients.For(server, key, 0);
                var again = await stripe.V1.Subscriptions.CreateAsync(Create(customer, price), options, Ct);
                Assert.Equal(first, again.Id);
                Assert.Equal("true", again.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
                var all = await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer, Status = "all" }, cancellationToken: Ct);
                Assert.Equal([first], all.Data.Select(s => s.Id));

                // Different parameters under the same key are still refused after the restart.
                var mismatch = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Subscriptions.CreateAsync(
                    new SubscriptionCreateOptions { Customer = customer, Items = [new() { Price = price, Quantity = 2 }] }, options, Ct));
                Assert.Equal("idempotency_error", mismatch.StripeError.Type);
            }
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public async Task SavedKeys_OlderThan24Hours_AreNotRestored()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emu-idem-{Guid.NewGuid():N}.json");
        var key = EmulatorFixture.NewKey();
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new RequestOptions { IdempotencyKey = "cus-create-" + Guid.NewGuid().ToString("N") };
        try
        {
            string first;
            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path, Time = time }, Ct))
            {
                first = (await Clients.For(server, key, 0).V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.test" }, options, Ct)).Id;
            }

            time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path, Time = time }, Ct))
            {
                var again = await Clients.For(server, key, 0).V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.test" }, options, Ct);
                Assert.NotEqual(first, again.Id);
            }
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    private static SubscriptionCreateOptions Create(string customer, string price) =>
        new() { Customer = customer, Items = [new SubscriptionItemOptions { Price = price }] };
}
