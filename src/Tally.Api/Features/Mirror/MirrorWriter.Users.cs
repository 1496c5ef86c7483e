using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

internal sealed partial class MirrorWriter
{
    /// <summary>
    /// Finds the user a Stripe customer belongs to: the user that already holds its id, else
    /// <c>metadata.user_id</c>, else the same email; links the user to the customer when it has none.
    /// </summary>
    private async Task<long?> LinkUserAsync(CustomerRecord c, CancellationToken ct)
    {
        var user = await FindUserByCustomerAsync(c.Id, ct);
        if (user is not null)
        {
            return user.Id;
        }

        if (MirrorKeys.MetadataUserId(c.Metadata) is { } id)
        {
            user = await FindUserByIdAsync(id, ct);
        }

        if (user is null && c.Email is { } email)
        {
            user = await FindUserByEmailAsync(MirrorKeys.NormalizedEmail(email), ct);
        }

        if (user is null || c.Deleted)
        {
            return null;
        }

        if (user.StripeCustomerId is null)
        {
            user.StripeCustomerId = c.Id;
            user.Touch(clock.GetUtcNow());
            users.Invalidate(user.Subject);
            if (preloaded)
            {
                usersByCustomer[c.Id] = user;
            }
        }

        return user.StripeCustomerId == c.Id ? user.Id : null;
    }

    /// <summary>
    /// Subscriptions and invoices mirrored before their customer was linked to a user (events come in
    /// any order) get the user now, so the end state does not depend on the order.
    /// </summary>
    private async Task ClaimOrphansAsync(string customerId, long userId, CancellationToken ct)
    {
        if (!preloaded || !orphansLoaded.Contains(customerId))
        {
            // Tracked, so the loop below sees them with the rows this unit of work added.
            await db.Set<Subscriptions.Subscription>().Where(s => s.StripeCustomerId == customerId && s.UserId == null).LoadAsync(ct);
            await db.Set<Invoices.Invoice>().Where(i => i.StripeCustomerId == customerId && i.UserId == null).LoadAsync(ct);
        }

        foreach (var s in db.Set<Subscriptions.Subscription>().Local.Where(s => s.StripeCustomerId == customerId && s.UserId == null))
        {
            s.UserId = userId;
        }

        foreach (var i in db.Set<Invoices.Invoice>().Local.Where(i => i.StripeCustomerId == customerId && i.UserId == null))
        {
            i.UserId = userId;
        }
    }

    private async Task<long?> UserIdForCustomerAsync(string customerId, IReadOnlyDictionary<string, string>? metadata, CancellationToken ct)
    {
        var userId = (await FindUserByCustomerAsync(customerId, ct))?.Id ?? (await FindCustomerAsync(customerId, ct))?.UserId;
        if (userId is null && MirrorKeys.MetadataUserId(metadata) is { } id && await FindUserByIdAsync(id, ct) is not null)
        {
            userId = id;
        }

        return userId;
    }
}
