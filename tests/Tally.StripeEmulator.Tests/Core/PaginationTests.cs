using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class PaginationTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AutoPaging_OverMoreThan100Customers_YieldsEachExactlyOnce_NewestFirst()
    {
        var client = fx.NewClient();
        var created = new List<string>();
        for (var i = 0; i < 125; i++)
        {
            created.Add((await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"c{i}@example.com" }, cancellationToken: Ct)).Id);
        }

        var seen = new List<string>();
        await foreach (var c in client.V1.Customers.ListAutoPagingAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: Ct))
        {
            seen.Add(c.Id);
        }

        Assert.Equal(125, seen.Count);
        Assert.Equal(125, seen.Distinct().Count());
        Assert.Equal(Enumerable.Reverse(created), seen);
        Assert.Equal(2, fx.Server.Control.Requests.Count(r => r.Method == "GET" && r.Path == "/v1/customers"
            && r.Form.Any(kv => kv.Key == "limit" && kv.Value == "100")));
    }

    [Fact]
    public async Task List_DefaultLimit10_HasMore_AndCursorsBothWays()
    {
        var client = fx.NewClient();
        var ids = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            ids.Add((await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = $"P{i}" }, cancellationToken: Ct)).Id);
        }

        ids.Reverse(); // newest first

        var first = await client.V1.Products.ListAsync(cancellationToken: Ct);
        Assert.Equal(10, first.Data.Count);
        Assert.True(first.HasMore);
        Assert.Equal("/v1/products", first.Url);
        Assert.Equal(ids.Take(10), first.Data.Select(p => p.Id));

        var second = await client.V1.Products.ListAsync(new ProductListOptions { StartingAfter = first.Data[^1].Id }, cancellationToken: Ct);
        Assert.Equal(ids.Skip(10), second.Data.Select(p => p.Id));
        Assert.False(second.HasMore);

        var back = await client.V1.Products.ListAsync(new ProductListOptions { EndingBefore = second.Data[0].Id, Limit = 3 }, cancellationToken: Ct);
        Assert.Equal(ids.Skip(7).Take(3), back.Data.Select(p => p.Id));
        Assert.True(back.HasMore);
    }

    [Fact]
    public async Task Limit_OutOfRange_Is400()
    {
        var client = fx.NewClient();
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.ListAsync(new CustomerListOptions { Limit = 101 }, cancellationToken: Ct));
        Assert.Equal("limit", e.StripeError.Param);
    }
}
