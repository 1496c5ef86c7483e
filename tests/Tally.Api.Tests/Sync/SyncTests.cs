using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Tests.Support;
using Subscription = Tally.Api.Features.Mirror.Subscription;
using SubscriptionItem = Tally.Api.Features.Mirror.SubscriptionItem;

namespace Tally.Api.Tests.Sync;

public sealed class SyncTests(NoProcessorTallyFactory factory) : IClassFixture<NoProcessorTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> SyncAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync("/api/admin/stripe/sync", new { }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
    }

    private static (int Seen, int Created, int Changed) Counts(JsonElement result, string kind)
    {
        var k = result.GetProperty(kind);
        return (k.GetProperty("seen").GetInt32(), k.GetProperty("created").GetInt32(), k.GetProperty("changed").GetInt32());
    }

    [Fact]
    public async Task Sync_Of250CustomersAnd300Subscriptions_FillsTheMirrorExactly_AndASecondRunChangesNothing()
    {
        var stripe = factory.Stripe;
        var customers = new string[250];
        await Parallel.ForAsync(0, 250, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
            customers[i] = (await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"Sync {i}", Email = $"sync-{i}@example.test" }, cancellationToken: ct)).Id);
        var subscriptions = new string[300];
        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
        {
            var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
            {
                Customer = customers[i % 250], Items = [new SubscriptionItemOptions { Price = factory.PriceId }],
            }, cancellationToken: ct);
            if (i % 15 == 0)
            {
                await stripe.V1.Subscriptions.CancelAsync(sub.Id, cancellationToken: ct);
            }

            subscriptions[i] = sub.Id;
        });
        var stripeSubs = new Dictionary<string, (string Status, string ItemId)>();
        await foreach (var s in stripe.V1.Subscriptions.ListAutoPagingAsync(new SubscriptionListOptions { Status = "all", Limit = 100 }, cancellationToken: Ct))
        {
            stripeSubs[s.Id] = (s.Status, s.Items.Data[0].Id);
        }

        var stripeInvoices = new HashSet<string>();
        await foreach (var i in stripe.V1.Invoices.ListAutoPagingAsync(new InvoiceListOptions { Limit = 100 }, cancellationToken: Ct))
        {
            stripeInvoices.Add(i.Id);
        }

        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var first = await SyncAsync(admin);

        Assert.Equal((250, 250, 0), Counts(first, "customers"));
        Assert.Equal((300, 300, 0), Counts(first, "subscriptions"));
        Assert.Equal((stripeInvoices.Count, stripeInvoices.Count, 0), Counts(first, "invoices"));
        Assert.True(Counts(first, "prices").Seen >= 1);
        var mirroredCustomers = await factory.WithDbAsync(db => db.Set<MirroredCustomer>().Select(c => c.StripeCustomerId).ToListAsync(Ct));
        Assert.Equal(customers.Order(StringComparer.Ordinal), mirroredCustomers.Order(StringComparer.Ordinal));
        var mirroredSubs = await factory.WithDbAsync(db => db.Set<Subscription>().AsNoTracking().ToDictionaryAsync(s => s.StripeSubscriptionId, s => (s.Status, s.StripeSubscriptionItemId), Ct));
        Assert.Equal(300, stripeSubs.Count);
        Assert.Equal(stripeSubs.OrderBy(kv => kv.Key, StringComparer.Ordinal), mirroredSubs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (kv.Value.Status, kv.Value.StripeSubscriptionItemId!))));
        Assert.Equal(20, mirroredSubs.Count(kv => kv.Value.Status == "canceled"));
        var invoiceIds = await factory.WithDbAsync(db => db.Set<Features.Mirror.Invoice>().Select(i => i.StripeInvoiceId).ToListAsync(Ct));
        Assert.True(stripeInvoices.SetEquals(invoiceIds));
        Assert.Equal(300, await factory.WithDbAsync(db => db.Set<SubscriptionHistory>().Select(h => h.StripeSubscriptionId).Distinct().CountAsync(Ct)));
        var before = await StampsAsync();

        var second = await SyncAsync(admin);

        foreach (var kind in new[] { "customers", "products", "prices", "subscriptions", "invoices" })
        {
            var (seen, created, changed) = Counts(second, kind);
            Assert.True((created, changed) == (0, 0), $"{kind}: the second run created {created} and changed {changed}");
            Assert.Equal(Counts(first, kind).Seen, seen);
        }

        Assert.Equal(before, await StampsAsync());
    }

    /// <summary>What any write would move: update times, versions, source timestamps, history rows.</summary>
    private Task<string> StampsAsync() => factory.WithDbAsync(async db => JsonSerializer.Serialize(new
    {
        subs = await db.Set<Subscription>().OrderBy(s => s.Id).Select(s => new { s.Id, s.UpdatedAt, s.Version, s.SourceTimestamp }).ToListAsync(Ct),
        customers = await db.Set<MirroredCustomer>().OrderBy(c => c.Id).Select(c => new { c.Id, c.UpdatedAt, c.SourceTimestamp }).ToListAsync(Ct),
        invoices = await db.Set<Features.Mirror.Invoice>().OrderBy(i => i.Id).Select(i => new { i.Id, i.UpdatedAt, i.SourceTimestamp }).ToListAsync(Ct),
        history = await db.Set<SubscriptionHistory>().CountAsync(Ct),
        items = await db.Set<SubscriptionItem>().CountAsync(Ct),
    }));
}
