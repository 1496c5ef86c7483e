using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using Tally.Api.Tests.Sync;
using static Tally.Api.Tests.Webhooks.WebhookKit;
using Subscription = Tally.Api.Features.Subscriptions.Subscription;

namespace Tally.Api.Tests.Webhooks;

/// <summary>One batch driven by the test (the host's own processor is off): events of one object share one re-fetch.</summary>
public sealed class WebhookBatchTests(NoProcessorTallyFactory factory) : IClassFixture<NoProcessorTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeveralEventsOfOneSubscription_InOneBatch_AreHandledWithOneRefetch()
    {
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Batch" }, cancellationToken: Ct);
        var sub = await factory.Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = factory.PriceId }] }, cancellationToken: Ct);
        for (var i = 0; i < 3; i++)
        {
            await factory.Stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions { Metadata = new() { ["step"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } }, cancellationToken: Ct);
        }

        await EventuallyAsync(() => factory.WithDbAsync(async db => await db.Set<WebhookEvent>().CountAsync(e => e.ObjectId == sub.Id && e.Type.StartsWith("customer.subscription."), Ct) == 4),
            "the four subscription events stored");
        await EventuallyAsync(() => Task.FromResult(factory.Emulator.Control.PendingWebhooks == 0), "every delivery done");
        factory.Emulator.Control.ClearRequests();
        // One group at a time: this test is about coalescing within a group. With groups in parallel, the
        // subscription's group can lose a save race to its invoice's group and legitimately fetch again.
        var configured = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value;
        var serial = Microsoft.Extensions.Options.Options.Create(new WebhookOptions
        {
            ProcessorEnabled = true, BatchSize = configured.BatchSize, Parallelism = 1, MaxAttempts = configured.MaxAttempts,
            RetryDelay = configured.RetryDelay, Lease = configured.Lease, PollInterval = configured.PollInterval,
        });
        var processor = ActivatorUtilities.CreateInstance<WebhookProcessor>(factory.Services, serial);

        while (await processor.RunOnceAsync(Ct) > 0)
        {
        }

        Assert.Equal(1, factory.Emulator.Control.Requests.Count(r => r.Method == "GET" && r.Path == $"/v1/subscriptions/{sub.Id}" && r.Status == 200));
        var events = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => e.ObjectId == sub.Id).ToListAsync(Ct));
        Assert.All(events, e => Assert.Equal((WebhookStatus.Processed, 1), (e.Status, e.Attempts)));
        var mirrored = await factory.WithDbAsync(db => db.Set<Subscription>().AsNoTracking().SingleAsync(s => s.StripeSubscriptionId == sub.Id, Ct));
        Assert.Equal(sub.Items.Data[0].Id, mirrored.StripeSubscriptionItemId);
        Assert.True(await factory.WithDbAsync(db => db.Set<SubscriptionHistory>().AnyAsync(h => h.StripeSubscriptionId == sub.Id, Ct)));
    }
}
