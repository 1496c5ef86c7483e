using Microsoft.EntityFrameworkCore;

namespace Tally.Api.Features.Mirror;

internal sealed partial class MirrorWriter
{
    /// <summary>
    /// Subscriptions and invoices mirrored before their customer was linked to a user (events come in
    /// any order) get the user now, so the end state does not depend on the order.
    /// </summary>
    private async Task ClaimOrphansAsync(string customerId, long userId, CancellationToken ct)
    {
        if (!preloaded || !orphansLoaded.Contains(customerId))
        {
            // Tracked, so the loop below sees them with the rows this unit of work added.
            await db.Set<Subscription>().Where(s => s.StripeCustomerId == customerId && s.UserId == null).LoadAsync(ct);
            await db.Set<Invoice>().Where(i => i.StripeCustomerId == customerId && i.UserId == null).LoadAsync(ct);
        }

        foreach (var s in db.Set<Subscription>().Local.Where(s => s.StripeCustomerId == customerId && s.UserId == null))
        {
            s.UserId = userId;
        }

        foreach (var i in db.Set<Invoice>().Local.Where(i => i.StripeCustomerId == customerId && i.UserId == null))
        {
            i.UserId = userId;
        }
    }

    /// <summary>The user holding the customer, else the one its mirrored row is linked to (never what the object's own metadata says).</summary>
    private async Task<long?> UserIdForCustomerAsync(string customerId, CancellationToken ct) =>
        await links.HolderOfAsync(customerId, ct) ?? (await FindCustomerAsync(customerId, ct))?.UserId;
}
