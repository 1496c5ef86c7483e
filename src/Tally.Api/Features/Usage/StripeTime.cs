using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Usage;

/// <summary>
/// Stripe's "now" for a customer: the wall clock, or — for a customer on a test clock (test mode, the
/// demo) — the clock's frozen time, which is what Stripe checks meter event timestamps and closes
/// periods against. Cached briefly: a clock advanced a moment ago is seen within a second.
/// </summary>
internal sealed class StripeTime(IServiceScopeFactory scopes, IMemoryCache cache, TimeProvider clock)
{
    private static readonly TimeSpan ClockOfCustomerLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ClockTimeLifetime = TimeSpan.FromSeconds(1);

    public async Task<DateTimeOffset> NowAsync(string customerId, CancellationToken ct)
    {
        var clockId = await cache.GetOrCreateAsync((typeof(StripeTime), "clock-of", customerId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = ClockOfCustomerLifetime;
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TallyDbContext>().MirroredCustomers()
                .Where(c => c.StripeCustomerId == customerId).Select(c => c.TestClockId).FirstOrDefaultAsync(ct);
        });
        if (clockId is null)
        {
            return clock.GetUtcNow();
        }

        var frozen = await cache.GetOrCreateAsync((typeof(StripeTime), "clock", clockId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = ClockTimeLifetime;
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<StripeGateway>().GetTestClockTimeAsync(clockId, ct);
        });
        return frozen ?? clock.GetUtcNow();
    }

    /// <summary>Customers whose Stripe time is a test clock's (none in live mode).</summary>
    public static Task<List<string>> TestClockCustomersAsync(TallyDbContext db, CancellationToken ct) =>
        db.MirroredCustomers().Where(c => c.TestClockId != null).Select(c => c.StripeCustomerId).ToListAsync(ct);
}
