using Tally.Api.Features.Mirror;
using Tally.Api.Features.Revenue;

namespace Tally.Api.Features.Subscriptions;

public sealed record CreateSubscriptionRequest(string? PriceId);

public sealed record SubscriptionResponse(
    string SubscriptionId, string? SubscriptionItemId, string Status, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd,
    string? PriceId);

public sealed record AdminSubscriptionResponse(
    string SubscriptionId, string? SubscriptionItemId, string Status, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd,
    string? PriceId, long? UserId, string StripeCustomerId, bool CancelAtPeriodEnd, DateTimeOffset Created, string? Currency, decimal? Mrr);

internal static class SubscriptionMapping
{
    public static SubscriptionResponse ToResponse(this Subscription s) =>
        new(s.StripeSubscriptionId, s.StripeSubscriptionItemId, s.Status, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.PriceId);

    /// <summary><paramref name="mrr"/>: the subscription's MRR now, in major units of its currency (null when no state is recorded).</summary>
    public static AdminSubscriptionResponse ToAdminResponse(this Subscription s, SubscriptionMrrValue? mrr) =>
        new(s.StripeSubscriptionId, s.StripeSubscriptionItemId, s.Status, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.PriceId,
            s.UserId, s.StripeCustomerId, s.CancelAtPeriodEnd, s.StripeCreated, mrr?.Currency ?? s.Currency, mrr?.Major);
}
