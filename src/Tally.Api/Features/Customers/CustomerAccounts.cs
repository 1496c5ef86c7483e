using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Customers;

/// <summary>
/// One Stripe customer per user. Creation is serialised per user on this instance; across instances
/// the gateway's idempotency key (<c>tally-customer-{userId}</c>) makes every attempt name the same
/// customer, and the conditional update of <c>users.stripe_customer_id</c> (unique) stores it once.
/// </summary>
internal sealed class CustomerAccounts(
    TallyDbContext db, StripeGateway gateway, MirrorUpdates mirror, UserAccounts users, UserLocks locks, TimeProvider clock, ILogger<CustomerAccounts> logger)
{
    private const int MaxAttempts = 5;

    public async Task<CreateCustomerResponse> EnsureCustomerAsync(long userId, CancellationToken ct)
    {
        using var held = await locks.AcquireAsync(userId, ct);
        for (var attempt = 1; ; attempt++)
        {
            var user = await users.FindAsync(userId, ct) ?? throw new InvalidOperationException($"User {userId} does not exist.");
            if (user.StripeCustomerId is { } existing)
            {
                return await KnownCustomerAsync(existing, ct);
            }

            var created = await gateway.CreateCustomerAsync(userId, await users.ReleasedCustomersAsync(userId, ct), user.Email, user.FullName, ct);
            if (created.Outcome == StripeOutcome.InFlight && attempt < MaxAttempts)
            {
                // Another instance's request with the same idempotency key is still in flight: wait, then
                // either read what it stored or get its replayed answer.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), clock, ct);
                continue;
            }

            var customer = created.Value ?? throw new StripeStateException($"Stripe kept answering that creating user {userId}'s customer is in flight.");
            var stored = await users.StoreStripeCustomerIdAsync(user, customer.Id, ct);
            if (stored != customer.Id)
            {
                logger.LogWarning("User {UserId} already had Stripe customer {StripeCustomerId}; customer {UnusedStripeCustomerId} is not used",
                    userId, stored, customer.Id);
                return await KnownCustomerAsync(stored, ct);
            }

            await mirror.ApplyFetchedCustomerAsync(customer, ct);
            return new CreateCustomerResponse(customer.Id, customer.Email, customer.Created);
        }
    }

    public async Task<StripeResult<PaymentMethodRecord>> AttachPaymentMethodAsync(string customerId, string paymentMethodId, bool setDefault, CancellationToken ct)
    {
        var attached = await gateway.AttachPaymentMethodAsync(customerId, paymentMethodId, setDefault, ct);
        if (attached.Outcome == StripeOutcome.Ok && setDefault && await gateway.GetCustomerAsync(customerId, ct) is { } customer)
        {
            await mirror.ApplyFetchedCustomerAsync(customer, ct);
        }

        return attached;
    }

    private async Task<CreateCustomerResponse> KnownCustomerAsync(string customerId, CancellationToken ct)
    {
        if (await db.MirroredCustomers().FirstOrDefaultAsync(c => c.StripeCustomerId == customerId, ct) is { } row)
        {
            return new CreateCustomerResponse(customerId, row.Email, row.StripeCreated);
        }

        var customer = await gateway.GetCustomerAsync(customerId, ct)
            ?? throw new StripeStateException($"Stripe no longer knows customer {customerId}.");
        await mirror.ApplyFetchedCustomerAsync(customer, ct);
        return new CreateCustomerResponse(customer.Id, customer.Email, customer.Created);
    }
}
