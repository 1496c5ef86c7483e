using System.Text.Json;
using Tally.Api.Features.Mirror;

namespace Tally.Api.Features.Revenue;

internal sealed record ItemState(string Price, long? Quantity);

internal sealed record DiscountState(string Id, decimal? PercentOff, long? AmountOff, string? Currency, string Duration, DateTimeOffset? Start, DateTimeOffset? End)
{
    public bool InForce(DateTimeOffset t) => (Start is null || Start <= t) && (End is null || End > t);
}

/// <summary>One recorded state of a subscription (a <c>subscription_history</c> row), valid on [<see cref="From"/>, <see cref="To"/>).</summary>
internal sealed record SubscriptionState(
    string SubscriptionId, string CustomerId, string Status, IReadOnlyList<ItemState> Items, IReadOnlyList<DiscountState> Discounts,
    bool CancelAtPeriodEnd, DateTimeOffset? CancelAt, DateTimeOffset? CanceledAt, DateTimeOffset? EndedAt, DateTimeOffset? TrialEnd,
    DateTimeOffset From, DateTimeOffset? To)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public bool ValidAt(DateTimeOffset t) => From <= t && (To is null || To > t);

    public bool ScheduledToCancel => CancelAtPeriodEnd || CancelAt is not null;

    /// <summary>
    /// Discounts: those the state carried, plus the mirror's current ones (webhook payloads name
    /// discounts by id only, so the state recorded from an event has none; their start and end say when they held).
    /// </summary>
    public static SubscriptionState Of(SubscriptionHistory h, IReadOnlyList<DiscountState> current)
    {
        var items = JsonSerializer.Deserialize<List<ItemState>>(h.Items, Json) ?? [];
        var carried = JsonSerializer.Deserialize<List<CarriedDiscount>>(h.Discounts, Json) ?? [];
        var discounts = carried.Select(d => new DiscountState(d.Id, d.PercentOff, d.AmountOff, d.Currency, d.Duration, d.Start, d.End))
            .Concat(current.Where(c => carried.All(d => d.Id != c.Id))).ToList();
        return new SubscriptionState(h.StripeSubscriptionId, h.StripeCustomerId, h.Status, items, discounts, h.CancelAtPeriodEnd, h.CancelAt,
            h.CanceledAt, h.EndedAt, h.TrialEnd, h.ValidFrom, h.ValidTo);
    }

    public static DiscountState Of(SubscriptionDiscount d) => new(d.StripeDiscountId, d.PercentOff, d.AmountOff, d.Currency, d.Duration, d.Start, d.End);

    private sealed record CarriedDiscount(string Id, decimal? PercentOff, long? AmountOff, string? Currency, string Duration, DateTimeOffset? Start, DateTimeOffset? End);
}
