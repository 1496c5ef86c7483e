using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.WebhookKit;
using Invoice = Tally.Api.Features.Mirror.Invoice;
using Subscription = Tally.Api.Features.Mirror.Subscription;

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

        await Eventually.TrueAsync(() => factory.WithDbAsync(async db => await db.Set<WebhookEvent>().CountAsync(e => e.ObjectId == sub.Id && e.Type.StartsWith("customer.subscription."), Ct) == 4),
            "the four subscription events stored");
        await Eventually.TrueAsync(() => Task.FromResult(factory.Emulator.Control.PendingWebhooks == 0), "every delivery done");
        factory.Emulator.Control.ClearRequests();

        await DrainAsync();

        Assert.Equal(1, factory.Emulator.Control.Requests.Count(r => r.Method == "GET" && r.Path == $"/v1/subscriptions/{sub.Id}" && r.Status == 200));
        var events = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => e.ObjectId == sub.Id).ToListAsync(Ct));
        Assert.All(events, e => Assert.Equal((WebhookStatus.Processed, 1), (e.Status, e.Attempts)));
        var mirrored = await factory.WithDbAsync(db => db.Set<Subscription>().AsNoTracking().SingleAsync(s => s.StripeSubscriptionId == sub.Id, Ct));
        Assert.Equal(sub.Items.Data[0].Id, mirrored.StripeSubscriptionItemId);
        Assert.True(await factory.WithDbAsync(db => db.Set<SubscriptionHistory>().AnyAsync(h => h.StripeSubscriptionId == sub.Id, Ct)));
    }

    [Fact]
    public async Task AnObjectTheDatabaseRejects_HoldsBackOnlyItsOwnEvents_AndIsWrittenOnRetry()
    {
        var subscriptions = new List<global::Stripe.Subscription>();
        for (var i = 0; i < 3; i++)
        {
            var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"Poison {i}" }, cancellationToken: Ct);
            subscriptions.Add(await factory.Stripe.V1.Subscriptions.CreateAsync(
                new SubscriptionCreateOptions { Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = factory.PriceId }] }, cancellationToken: Ct));
        }

        var invoiceIds = subscriptions.Select(s => s.LatestInvoiceId).ToList();
        var rejected = invoiceIds[1];
        await Eventually.TrueAsync(() => factory.WithDbAsync(async db => await db.Set<WebhookEvent>().CountAsync(e => invoiceIds.Contains(e.ObjectId!), Ct) >= 3),
            "the invoice events stored");
        await Eventually.TrueAsync(() => Task.FromResult(factory.Emulator.Control.PendingWebhooks == 0), "every delivery done");

        // A real database error for one invoice, in the same batch as everything else.
        await factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
            ? $"""
               CREATE FUNCTION reject_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN IF NEW.stripe_invoice_id = '{rejected}' THEN RAISE EXCEPTION 'rejected by the test'; END IF; RETURN NEW; END $$;
               CREATE TRIGGER reject_invoice BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION reject_invoice();
               """
            : $"CREATE TRIGGER reject_invoice BEFORE INSERT ON invoices WHEN NEW.stripe_invoice_id = '{rejected}' BEGIN SELECT RAISE(ABORT, 'rejected by the test'); END;", Ct));
        await DrainAsync();

        var held = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => e.ObjectId == rejected).ToListAsync(Ct));
        Assert.NotEmpty(held);
        Assert.All(held, e => Assert.Equal((WebhookStatus.Pending, 1), (e.Status, e.Attempts)));
        Assert.All(held, e => Assert.StartsWith("Database update failed", e.LastError, StringComparison.Ordinal));
        var others = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking()
            .Where(e => e.ObjectId != rejected && e.Status != WebhookStatus.Ignored).ToListAsync(Ct));
        Assert.All(others, e => Assert.Equal(WebhookStatus.Processed, e.Status));
        Assert.Equal(
            new[] { invoiceIds[0]!, invoiceIds[2]! }.Order(StringComparer.Ordinal),
            (await factory.WithDbAsync(db => db.Set<Invoice>().Where(i => invoiceIds.Contains(i.StripeInvoiceId)).Select(i => i.StripeInvoiceId).ToListAsync(Ct))).Order(StringComparer.Ordinal));
        Assert.Equal(3, await factory.WithDbAsync(db => db.Set<Subscription>().CountAsync(s => subscriptions.Select(x => x.Id).Contains(s.StripeSubscriptionId), Ct)));

        // The rejection lifted and the back-off over, the retry writes it.
        await factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            db.Database.IsNpgsql() ? "DROP TRIGGER reject_invoice ON invoices; DROP FUNCTION reject_invoice();" : "DROP TRIGGER reject_invoice;", Ct));
        await factory.WithDbAsync(db => db.Set<WebhookEvent>().Where(e => e.ObjectId == rejected)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.NextAttemptAt, DateTimeOffset.UtcNow.AddSeconds(-1)), Ct));
        await DrainAsync();

        Assert.All(await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => e.ObjectId == rejected).ToListAsync(Ct)),
            e => Assert.Equal((WebhookStatus.Processed, 2), (e.Status, e.Attempts)));
        Assert.Equal("paid", await factory.WithDbAsync(db => db.Set<Invoice>().Where(i => i.StripeInvoiceId == rejected).Select(i => i.Status).SingleAsync(Ct)));
    }

    /// <summary>
    /// Runs batches until nothing is due, one group at a time: the coalescing test counts re-fetches,
    /// which groups racing in parallel could legitimately repeat.
    /// </summary>
    private Task DrainAsync() => RunUntilIdleAsync(Processor(factory, parallelism: 1));
}
