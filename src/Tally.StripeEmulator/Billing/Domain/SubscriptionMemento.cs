namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>
/// The mutable parts of a subscription, captured before an update so that a request failing
/// validation half-way leaves the subscription exactly as it was (Stripe updates are atomic).
/// </summary>
internal sealed class SubscriptionMemento
{
    private readonly Subscription sub;
    private readonly List<(SubscriptionItem Item, string PriceId, long? Quantity, Dictionary<string, string> Metadata)> items;

    /// <summary>The items as they were: the item, its price and its quantity.</summary>
    public IEnumerable<(SubscriptionItem Item, string PriceId, long? Quantity)> Items => items.Select(i => (i.Item, i.PriceId, i.Quantity));
    private readonly List<(SubscriptionDiscount Discount, bool Removed)> discounts;
    private readonly Dictionary<string, string> metadata;
    private readonly bool cancelAtPeriodEnd;
    private readonly long? cancelAt, canceledAt;
    private readonly string? defaultPaymentMethod, description;

    public SubscriptionMemento(Subscription sub)
    {
        this.sub = sub;
        items = [.. sub.Items.Select(i => (i, i.PriceId, i.Quantity, new Dictionary<string, string>(i.Metadata)))];
        discounts = [.. sub.Discounts.Select(d => (d, d.Removed))];
        metadata = new Dictionary<string, string>(sub.Metadata);
        cancelAtPeriodEnd = sub.CancelAtPeriodEnd;
        cancelAt = sub.CancelAt;
        canceledAt = sub.CanceledAt;
        defaultPaymentMethod = sub.DefaultPaymentMethodId;
        description = sub.Description;
    }

    public void Restore()
    {
        sub.Items.Clear();
        foreach (var (item, price, quantity, metadata) in items)
        {
            item.PriceId = price;
            item.Quantity = quantity;
            item.Metadata = metadata;
            sub.Items.Add(item);
        }
        sub.Discounts.Clear();
        foreach (var (discount, removed) in discounts)
        {
            discount.Removed = removed;
            sub.Discounts.Add(discount);
        }
        sub.Metadata = metadata;
        sub.CancelAtPeriodEnd = cancelAtPeriodEnd;
        sub.CancelAt = cancelAt;
        sub.CanceledAt = canceledAt;
        sub.DefaultPaymentMethodId = defaultPaymentMethod;
        sub.Description = description;
    }
}
