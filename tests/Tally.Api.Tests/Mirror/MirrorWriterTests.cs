using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Mirror;

/// <summary>The writer's look-ups: from memory only after a preload; straight from the database otherwise.</summary>
public sealed class MirrorWriterTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutPreload_AWriteRetriedAfterClearingTheChangeTracker_IsSaved()
    {
        // The API's own writes retry this way after losing a race to the webhook processor.
        var id = "cus_retry_" + Guid.NewGuid().ToString("N")[..10];
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            var mirror = scope.ServiceProvider.GetRequiredService<MirrorWriter>();
            await mirror.UpsertCustomerAsync(Customer(id, "first@example.test"), DateTimeOffset.UtcNow, Ct);
            db.ChangeTracker.Clear();
            await mirror.UpsertCustomerAsync(Customer(id, "second@example.test"), DateTimeOffset.UtcNow, Ct);
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal("second@example.test", await factory.WithDbAsync(db => db.Set<MirroredCustomer>().Where(c => c.StripeCustomerId == id).Select(c => c.Email).SingleAsync(Ct)));
    }

    [Fact]
    public async Task TwoWritersOnOneRow_TheOneThatReadItBeforeTheOtherSaved_MustReadItAgain()
    {
        // Two instances applying events of one customer at once: without a concurrency token, the
        // slower one would overwrite the newer state the faster one saved after the slower one read it.
        var id = "cus_race_" + Guid.NewGuid().ToString("N")[..10];
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await WriteAsync(Customer(id, "created@example.test"), t0);

        await using var slow = factory.Services.CreateAsyncScope();
        await slow.ServiceProvider.GetRequiredService<MirrorWriter>().UpsertCustomerAsync(Customer(id, "older@example.test"), t0.AddSeconds(10), Ct);
        await WriteAsync(Customer(id, "newer@example.test"), t0.AddSeconds(20));

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => slow.ServiceProvider.GetRequiredService<TallyDbContext>().SaveChangesAsync(Ct));
        Assert.Equal("newer@example.test", await factory.WithDbAsync(db => db.Set<MirroredCustomer>().Where(c => c.StripeCustomerId == id).Select(c => c.Email).SingleAsync(Ct)));
    }

    [Fact]
    public async Task AfterPreload_OneUnitOfWork_WritesNewRowsOnceAndLinksThemToEachOther()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var userId = await factory.WithDbAsync(async db =>
        {
            var user = new Features.Users.User { Subject = "pre-" + suffix, Email = $"pre-{suffix}@example.test", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            db.Set<User>().Add(user);
            await db.SaveChangesAsync(Ct);
            return user.Id;
        });
        // A customer this installation created for the user (its marker links them; an email would not).
        var installation = factory.Services.GetRequiredService<StripeAccount>().InstallationId!;
        var customer = Customer("cus_pre_" + suffix, $"pre-{suffix}@example.test") with { Metadata = StripeMarker.For(installation, userId) };
        var price = new PriceRecord("price_pre_" + suffix, null, "usd", 5, 5m, "recurring", "per_unit", "month", 1, "metered", null, true, null, null, false, DateTimeOffset.UtcNow);
        var item = new SubscriptionItemRecord("si_pre_" + suffix, price, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMonths(1), DateTimeOffset.UtcNow);
        var subscription = new SubscriptionRecord("sub_pre_" + suffix, customer.Id, "active", "usd", [item], [], false, null, null, null, null, null,
            DateTimeOffset.UtcNow, null, DateTimeOffset.UtcNow, new Dictionary<string, string>());

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            var mirror = scope.ServiceProvider.GetRequiredService<MirrorWriter>();
            var keys = new MirrorKeys();
            keys.Add(customer);
            keys.Add(subscription);
            await mirror.PreloadAsync(keys, Ct);
            await mirror.UpsertCustomerAsync(customer, DateTimeOffset.UtcNow, Ct);
            await mirror.UpsertSubscriptionAsync(subscription, DateTimeOffset.UtcNow, Ct);
            await mirror.RecordHistoryAsync(subscription, DateTimeOffset.UtcNow.AddSeconds(-1), "evt_a_" + suffix, "customer.subscription.created", Ct);
            await mirror.RecordHistoryAsync(subscription, DateTimeOffset.UtcNow, "evt_b_" + suffix, "customer.subscription.updated", Ct);
            await db.SaveChangesAsync(Ct);
        }

        var (subscriptionUser, itemCount, prices, history) = await factory.WithDbAsync(async db => (
            await db.Set<Subscription>().Where(s => s.StripeSubscriptionId == subscription.Id).Select(s => s.UserId).SingleAsync(Ct),
            await db.Set<SubscriptionItem>().CountAsync(i => i.StripeSubscriptionId == subscription.Id, Ct),
            await db.Set<MirroredPrice>().CountAsync(p => p.StripePriceId == price.Id, Ct),
            await db.Set<SubscriptionHistory>().Where(h => h.StripeSubscriptionId == subscription.Id).OrderBy(h => h.ValidFrom).Select(h => h.ValidTo == null).ToListAsync(Ct)));
        Assert.Equal(userId, subscriptionUser);
        Assert.Equal(userId, await factory.WithDbAsync(db => db.Set<User>().Where(u => u.StripeCustomerId == customer.Id).Select(u => (long?)u.Id).SingleAsync(Ct)));
        Assert.Equal(1, itemCount);
        Assert.Equal(1, prices);
        Assert.Equal([false, true], history);
    }

    private async Task WriteAsync(CustomerRecord customer, DateTimeOffset asOf)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MirrorWriter>().UpsertCustomerAsync(customer, asOf, Ct);
        await scope.ServiceProvider.GetRequiredService<TallyDbContext>().SaveChangesAsync(Ct);
    }

    private static CustomerRecord Customer(string id, string email) =>
        new(id, email, "Mirror", null, "usd", false, DateTimeOffset.UtcNow.AddMinutes(-1), new Dictionary<string, string>());
}
