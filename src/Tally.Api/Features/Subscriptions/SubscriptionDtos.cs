using Tally.Api.Features.Mirror;

namespace Tally.Api.Features.Subscriptions;

public sealed record CreateSubscriptionRequest(string? PriceId);

public sealed record SubscriptionResponse(
    string SubscriptionId, string? SubscriptionItemId, string Status, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd,
    string? PriceId);

public sealed record AdminSubscriptionResponse(
    string SubscriptionId, string? SubscriptionItemId, string Status, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd,
    string? PriceId, long? UserId, string StripeCustomerId, bool CancelAtPeriodEnd, DateTimeOffset Created);

internal static class SubscriptionMapping
{
    public static SubscriptionResponse ToResponse(this Subscription s) =>
        new(s.StripeSubscriptionId, s.StripeSubscriptionItemId, s.Status, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.PriceId);

    public static AdminSubscriptionResponse ToAdminResponse(this Subscription s) =>
        new(s.StripeSubscriptionId, s.StripeSubscriptionItemId, s.Status, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.PriceId,
            s.UserId, s.StripeCustomerId, s.CancelAtPeriodEnd, s.StripeCreated);
}
