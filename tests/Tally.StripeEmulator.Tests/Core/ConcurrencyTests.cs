using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class ConcurrencyTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ParallelCreates_OnOneAccount_AreAllStored_WithOneEventEach()
    {
        var client = fx.NewClient();
        var created = await Task.WhenAll(Enumerable.Range(0, 150).Select(i =>
            client.V1.Products.CreateAsync(new ProductCreateOptions { Name = $"P{i}" }, cancellationToken: Ct)));

        var listed = new List<string>();
        await foreach (var p in client.V1.Products.ListAutoPagingAsync(new ProductListOptions { Limit = 100 }, cancellationToken: Ct))
        {
            listed.Add(p.Id);
        }

        Assert.Equal(created.Select(p => p.Id).Order(), listed.Order());
        var events = new List<Event>();
        await foreach (var e in client.V1.Events.ListAutoPagingAsync(new EventListOptions { Limit = 100 }, cancellationToken: Ct))
        {
            events.Add(e);
        }

        Assert.Equal(150, events.Select(e => ((Product)e.Data.Object).Id).Distinct().Count());
    }

    [Fact]
    public async Task ParallelRequests_OnManyAccounts_StayIsolated()
    {
        var clients = Enumerable.Range(0, 8).Select(_ => fx.NewClient()).ToList();
        await Task.WhenAll(clients.Select(async (c, i) =>
        {
            for (var n = 0; n <= i; n++)
            {
                await c.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"{i}-{n}@example.com" }, cancellationToken: Ct);
            }
        }));
        for (var i = 0; i < clients.Count; i++)
        {
            Assert.Equal(i + 1, (await clients[i].V1.Customers.ListAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: Ct)).Data.Count);
        }
    }
}
