using System.Net;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.WebhookKit;

namespace Tally.Api.Tests.Webhooks;

/// <summary>
/// Two processors (as two instances would) over one inbox, in small batches that split each object's
/// events between them: their batch writes race, fall back to object-by-object writes, and retry;
/// the mirror must end as a single processor leaves it.
/// </summary>
public sealed class WebhookConcurrencyTests(NoProcessorTallyFactory factory) : IClassFixture<NoProcessorTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoProcessorsInSmallBatches_EndWithTheSameMirrorAsOne()
    {
        for (var i = 0; i < 10; i++)
        {
            var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"Race {i}", Email = $"race-{i}@example.test" }, cancellationToken: Ct);
            var sub = await factory.Stripe.V1.Subscriptions.CreateAsync(
                new SubscriptionCreateOptions { Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = factory.PriceId }] }, cancellationToken: Ct);
            await factory.Stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { Name = $"Race {i} renamed" }, cancellationToken: Ct);
            if (i % 2 == 0)
            {
                await factory.Stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
            }

            if (i % 3 == 0)
            {
                await factory.Stripe.V1.Subscriptions.CancelAsync(sub.Id, cancellationToken: Ct);
            }
        }

        await Eventually.TrueAsync(() => Task.FromResult(factory.Emulator.Control.PendingWebhooks == 0), "every delivery stored");
        var retry = TimeSpan.FromMilliseconds(20);
        var first = Processor(factory, batchSize: 7, parallelism: 4, retryDelay: retry);
        var second = Processor(factory, batchSize: 7, parallelism: 4, retryDelay: retry);
        await Eventually.TrueAsync(async () =>
        {
            await Task.WhenAll(RunUntilIdleAsync(first), RunUntilIdleAsync(second));
            return !await factory.WithDbAsync(db => db.Set<WebhookEvent>().AnyAsync(e => e.Status == WebhookStatus.Pending, Ct));
        }, "both processors to drain the inbox");
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<WebhookEvent>().CountAsync(e => e.Status == WebhookStatus.Failed, Ct)));

        // The reference: another Tally on the same account receives the same events and processes them alone.
        await using var replica = new ReplicaTallyFactory(factory);
        await replica.InitializeAsync();
        var client = replica.ClientFor(null);
        foreach (var e in await StoredEventsAsync(factory.Stripe))
        {
            using var response = await PostAsync(client, e, Sign(e));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.TrueAsync(() => replica.WithDbAsync(db => db.Set<WebhookEvent>().AllAsync(w => w.Status != WebhookStatus.Pending, Ct)), "the replica to process the events");
        var raced = await MirrorDump.OfAsync(factory);
        Assert.Equal(await MirrorDump.OfAsync(replica), raced);
        Assert.Contains("Race 9 renamed", raced, StringComparison.Ordinal);
        Assert.Contains("\"canceled\"", raced, StringComparison.Ordinal);
    }
}
