using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Webhooks;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Webhooks;

/// <summary>Leases: instances claiming at once never get the same row; an expired lease is taken over.</summary>
public sealed class WebhookClaimTests(ClaimOnlyTallyFactory factory) : IClassFixture<ClaimOnlyTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task SeedAsync(string prefix, int count, DateTimeOffset now)
    {
        await factory.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await WebhookInbox.TryInsertAsync(db, new WebhookEvent
                {
                    StripeEventId = $"{prefix}_{i}", Type = "coupon.created", Payload = "{}", ReceivedAt = now, NextAttemptAt = now, StripeCreated = now,
                }, Ct));
            }
        });
    }

    private async Task<List<string>> ClaimAsync(string owner, int limit, DateTimeOffset now, TimeSpan lease)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        return (await WebhookClaims.ClaimAsync(db, owner, limit, now, lease, Ct)).Select(e => e.StripeEventId).ToList();
    }

    [Fact]
    public async Task ConcurrentClaims_AreDisjoint_AndTogetherTakeEveryDueRow()
    {
        var now = DateTimeOffset.UtcNow;
        var prefix = $"evt_claim_{Guid.NewGuid():N}";
        await SeedAsync(prefix, 120, now);

        // Rounds of six simultaneous claimers until nothing is left (SQLite may under-claim when
        // claimers collide; it must never hand the same row to two of them).
        var all = new List<string>();
        for (var round = 0; round < 20; round++)
        {
            var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => ClaimAsync($"instance-{i}", 15, now, TimeSpan.FromMinutes(2)))));
            var got = claims.SelectMany(c => c.Where(id => id.StartsWith(prefix, StringComparison.Ordinal))).ToList();
            all.AddRange(got);
            if (got.Count == 0)
            {
                break;
            }
        }

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(120, all.Count);
    }

    [Fact]
    public async Task ExpiredLease_IsClaimedAgain()
    {
        var now = DateTimeOffset.UtcNow;
        var prefix = $"evt_lease_{Guid.NewGuid():N}";
        await SeedAsync(prefix, 3, now);
        var first = (await ClaimAsync("crashed", 500, now, TimeSpan.FromSeconds(30))).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, first.Count);

        var during = (await ClaimAsync("other", 500, now.AddSeconds(10), TimeSpan.FromSeconds(30))).Where(id => id.StartsWith(prefix, StringComparison.Ordinal));
        var after = (await ClaimAsync("other", 500, now.AddSeconds(31), TimeSpan.FromSeconds(30))).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        Assert.Empty(during);
        Assert.Equal(first.Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        var owners = await factory.WithDbAsync(db => db.Set<WebhookEvent>().Where(e => e.StripeEventId.StartsWith(prefix)).Select(e => e.LockedBy!).ToListAsync(Ct));
        Assert.All(owners, o => Assert.StartsWith("other:", o, StringComparison.Ordinal));
    }
}
