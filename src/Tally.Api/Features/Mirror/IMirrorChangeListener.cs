namespace Tally.Api.Features.Mirror;

/// <summary>
/// Told by <see cref="MirrorWriter"/>, inside its unit of work, that it has staged a change to a subscription's
/// history or discounts, or to a price's terms (a feature that keeps something derived from those rows
/// implements it; Mirror knows no implementation). An implementation may only stage rows of its own tables on
/// the same context (<c>db.Add</c>): the writer's caller saves them with the mirror's rows, in the same
/// transaction, or not at all. No query, no save.
/// </summary>
internal interface IMirrorChangeListener
{
    void SubscriptionStaged(string subscriptionId);

    void PriceStaged(string priceId);
}
