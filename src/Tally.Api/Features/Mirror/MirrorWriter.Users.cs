using System.Globalization;
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
        var user = await db.Users.FirstOrDefaultAsync(u => u.StripeCustomerId == c.Id, ct);
        if (user is not null)
        {
            return user.Id;
        }

        if (c.Metadata.TryGetValue("user_id", out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        }

        if (user is null && c.Email is { } email)
        {
            var normalized = email.Trim().ToLowerInvariant();
            user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalized, ct);
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
        }

        return user.StripeCustomerId == c.Id ? user.Id : null;
    }

    /// <summary>
    /// Subscriptions and invoices mirrored before their customer was linked to a user (events come in
    /// any order) get the user now, so the end state does not depend on the order.
    /// </summary>
    private async Task ClaimOrphansAsync(string customerId, long userId, CancellationToken ct)
    {
        foreach (var s in await db.Set<Subscriptions.Subscription>().Where(s => s.StripeCustomerId == customerId && s.UserId == null).ToListAsync(ct))
        {
            s.UserId = userId;
        }

        foreach (var i in await db.Set<Invoices.Invoice>().Where(i => i.StripeCustomerId == customerId && i.UserId == null).ToListAsync(ct))
        {
            i.UserId = userId;
        }
    }

    private async Task<long?> UserIdForCustomerAsync(string customerId, IReadOnlyDictionary<string, string>? metadata, CancellationToken ct)
    {
        var userId = await db.Users.Where(u => u.StripeCustomerId == customerId).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct)
            ?? await db.Set<MirroredCustomer>().Where(c => c.StripeCustomerId == customerId).Select(c => c.UserId).FirstOrDefaultAsync(ct);
        if (userId is null && metadata is not null && metadata.TryGetValue("user_id", out var text) &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && await db.Users.AnyAsync(u => u.Id == id, ct))
        {
            userId = id;
        }

        return userId;
    }
}
