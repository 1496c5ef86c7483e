using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Invoices;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Revenue;
using Tally.Api.Features.Usage;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;

namespace Tally.Api.Features.Subscriptions;

/// <summary>One user as an admin sees it: identity and role, subscriptions with their MRR, invoices and the current period's usage.</summary>
internal static class AdminUserDetail
{
    /// <summary>How many subscriptions and invoices the page embeds; the rest through the lists' cursors.</summary>
    public const int Embedded = 20;

    public static async Task<Results<Ok<AdminUserDetailResponse>, ProblemHttpResult>> GetAsync(
        long id, TallyDbContext db, UserAccounts users, SubscriptionMrr mrr, UsageSummaries usage, TimeProvider clock, CancellationToken ct)
    {
        if (await users.ProfileAsync(id, ct) is not { } user)
        {
            return Problems.NotFound("user_not_found", $"No user has id {id}.");
        }

        var customerId = user.StripeCustomerId;

        // Keyed the way /api/admin/subscriptions?user_id= is (newest created first), so its cursor continues the list.
        var page = new PageRequest(Embedded, null, "admin_subscriptions");
        var subscriptions = await db.MirroredSubscriptions().Where(s => s.UserId == id)
            .OrderByDescending(s => s.StripeCreated).ThenByDescending(s => s.Id).Take(Embedded + 1).ToListAsync(ct);
        var subscriptionIds = subscriptions.Select(s => s.StripeSubscriptionId).ToList();
        var items = (await db.MirroredSubscriptionItems().Where(i => subscriptionIds.Contains(i.StripeSubscriptionId) && !i.Deleted).ToListAsync(ct))
            .ToLookup(i => i.StripeSubscriptionId);
        var values = await mrr.AtAsync(subscriptionIds, clock.GetUtcNow(), ct);

        // Like /api/billing/invoices?user_id=: the user's invoices, or its customer's.
        var invoices = await db.MirroredInvoices().Where(i => i.UserId == id || (customerId != null && i.StripeCustomerId == customerId))
            .OrderByDescending(i => i.StripeCreated).ThenByDescending(i => i.Id).Take(Embedded + 1).ToListAsync(ct);
        var moreInvoices = invoices.Count > Embedded;
        var shown = invoices.Take(Embedded).ToList();

        return TypedResults.Ok(new AdminUserDetailResponse(
            user.Id, user.Email, user.FullName, user.Role, user.CreatedAt, customerId,
            page.ToPage(subscriptions, s => s.Id, s => ToSubscription(s, [.. items[s.StripeSubscriptionId]], values.GetValueOrDefault(s.StripeSubscriptionId))),
            new Page<AdminUserInvoice>([.. shown.Select(ToInvoice)], moreInvoices,
                moreInvoices ? new InvoiceCursor(shown[^1].StripeCreated, shown[^1].Id).Encode() : null),
            (await usage.OfUserAsync(user.Id, customerId, ct)).Items));
    }

    private static AdminUserSubscription ToSubscription(Subscription s, List<SubscriptionItem> items, SubscriptionMrrValue? mrr) => new(
        s.StripeSubscriptionId, s.Status, s.StripeCustomerId, s.PriceId,
        [.. items.OrderBy(i => i.StripeCreated).Select(i => new AdminUserSubscriptionItem(i.StripeSubscriptionItemId, i.PriceId, i.Quantity))],
        items.Count == 1 ? items[0].Quantity : null, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.CancelAtPeriodEnd, s.StripeCreated,
        mrr?.Currency ?? s.Currency, mrr?.Major);

    private static AdminUserInvoice ToInvoice(Invoice i) => new(
        i.StripeInvoiceId, i.Number, i.Status, i.Total, i.AmountDue, i.AmountPaid, i.Currency, i.StripeCreated,
        i.Status == "draft" ? null : $"/api/billing/invoice/{Uri.EscapeDataString(i.StripeInvoiceId)}/pdf");
}
