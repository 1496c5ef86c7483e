using System.Text.Json;
using Stripe;
using Tally.StripeEmulator;

namespace Tally.Bench.Webhooks;

internal sealed record RawEvent(string Id, string Type, string Json);

/// <summary>An in-process emulator holding customers with metered subscriptions (some set to cancel), and their events.</summary>
internal sealed class StripeAccountFixture : IAsyncDisposable
{
    public const string ApiKey = "sk_test_bench";
    public const string WebhookSecret = "whsec_bench_0123456789abcdef0123456789";

    private readonly Price price;

    /// <summary>Ids of the events already returned by <see cref="AddCustomersAsync"/>.</summary>
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    private StripeAccountFixture(StripeEmulatorServer server, StripeClient client, Price price) => (Server, Client, this.price) = (server, client, price);

    public StripeEmulatorServer Server { get; }

    public StripeClient Client { get; }

    /// <summary>An emulator with a metered price and no customers yet.</summary>
    public static async Task<StripeAccountFixture> StartAsync()
    {
        // No webhook endpoint: the bench posts the events itself.
        var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions());
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = ApiKey, ApiBase = server.ApiBase, FilesBase = server.ApiBase, MeterEventsBase = server.ApiBase, ConnectBase = server.ApiBase,
        });
        var meter = await client.V1.Billing.Meters.CreateAsync(new Stripe.Billing.MeterCreateOptions
        {
            DisplayName = "Bench", EventName = "bench_units", DefaultAggregation = new Stripe.Billing.MeterDefaultAggregationOptions { Formula = "sum" },
        });
        var product = await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Bench" });
        var price = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = product.Id, UnitAmount = 3,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = meter.Id },
        });
        var fixture = new StripeAccountFixture(server, client, price);
        await fixture.NewEventsAsync(); // the catalog's own events are not part of any measured set
        return fixture;
    }

    /// <summary>
    /// Adds <paramref name="count"/> customers (numbered from <paramref name="first"/>), each with a metered
    /// subscription, every fourth set to cancel at period end; returns the events this caused, oldest first.
    /// </summary>
    public async Task<List<RawEvent>> AddCustomersAsync(int first, int count)
    {
        await Parallel.ForAsync(first, first + count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var customer = await Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"Bench {i}", Email = $"bench-{i}@example.test" }, cancellationToken: ct);
            var sub = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = price.Id }] }, cancellationToken: ct);
            if (i % 4 == 0)
            {
                await Client.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: ct);
            }
        });
        return await NewEventsAsync();
    }

    /// <summary>The events stored since the last call, as raw JSON, oldest first: pages newest first until an event already returned.</summary>
    private async Task<List<RawEvent>> NewEventsAsync()
    {
        var fresh = new List<RawEvent>();
        string? after = null;
        while (true)
        {
            var response = await Client.RawRequestAsync(HttpMethod.Get, after is null ? "/v1/events?limit=100" : $"/v1/events?limit=100&starting_after={after}");
            var page = JsonDocument.Parse(response.Content).RootElement;
            var data = page.GetProperty("data").EnumerateArray().ToList();
            foreach (var e in data)
            {
                var id = e.GetProperty("id").GetString()!;
                if (!seen.Add(id))
                {
                    fresh.Reverse();
                    return fresh;
                }

                fresh.Add(new RawEvent(id, e.GetProperty("type").GetString()!, e.GetRawText()));
            }

            if (!page.GetProperty("has_more").GetBoolean() || data.Count == 0)
            {
                fresh.Reverse();
                return fresh;
            }

            after = data[^1].GetProperty("id").GetString();
        }
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
