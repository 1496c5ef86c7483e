using Tally.Api.Features.Usage;
using Tally.Api.Infrastructure.Http;

namespace Tally.Api.Features.Subscriptions;

public sealed record AdminUserSubscriptionItem(string SubscriptionItemId, string PriceId, long? Quantity);

/// <summary>A subscription of the user from the mirror; <c>mrr</c> in major units of <c>currency</c> now (null when no state is recorded).</summary>
public sealed record AdminUserSubscription(
    string SubscriptionId, string Status, string StripeCustomerId, string? PriceId, IReadOnlyList<AdminUserSubscriptionItem> Items, long? Quantity,
    DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd, bool CancelAtPeriodEnd, DateTimeOffset Created, string? Currency, decimal? Mrr);

/// <summary>An invoice of the user from the mirror; amounts in minor units; <c>pdf_url</c> the PDF through Tally's proxy (null for a draft).</summary>
public sealed record AdminUserInvoice(
    string StripeInvoiceId, string? Number, string Status, long Total, long AmountDue, long AmountPaid, string Currency, DateTimeOffset Created,
    string? PdfUrl);

/// <summary>
/// <c>GET /api/admin/users/{id}</c>: the user, the newest subscriptions and invoices (their <c>next_cursor</c> continues
/// <c>/api/admin/subscriptions?user_id=</c> and <c>/api/billing/invoices?user_id=</c>), and live usage of the current period.
/// </summary>
public sealed record AdminUserDetailResponse(
    long Id, string? Email, string? FullName, string Role, DateTimeOffset CreatedAt, string? StripeCustomerId,
    Page<AdminUserSubscription> Subscriptions, Page<AdminUserInvoice> Invoices, IReadOnlyList<UsageSummaryItem> Usage);
