namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>
/// The mutable parts of a subscription, captured before an update so that a request failing
/// validation half-way leaves the subscription exactly as it was (Stripe updates are atomic).
/// </summary>
internal sealed class SubscriptionMemento
{
    private readonly Subscription _sub;
    private readonly List<(SubscriptionItem Item, string PriceId, long? Quantity, Dictionary<string, string> Metadata)> _items;

    /// <summary>The items as they were: the item, its price and its quantity.</summary>
    public IEnumerable<(SubscriptionItem Item, string PriceId, long? Quantity)> Items => _items.Select(i => (i.Item, i.PriceId, i.Quantity));
    private readonly List<(SubscriptionDiscount Discount, bool Removed)> _discounts;
    private readonly Dictionary<string, string> _metadata;
    private readonly bool _cancelAtPeriodEnd;
    private readonly long? _cancelAt, _canceledAt;
    private readonly string? _defaultPaymentMethod, _description;

    public SubscriptionMemento(Subscription sub)
    {
        _sub = sub;
        _items = [.. sub.Items.Select(i => (i, i.PriceId, i.Quantity, new Dictionary<string, string>(i.Metadata)))];
        _discounts = [.. sub.Discounts.Select(d => (d, d.Removed))];
        _metadata = new Dictionary<string, string>(sub.Metadata);
        _cancelAtPeriodEnd = sub.CancelAtPeriodEnd;
        _cancelAt = sub.CancelAt;
        _canceledAt = sub.CanceledAt;
        _defaultPaymentMethod = sub.DefaultPaymentMethodId;
        _description = sub.Description;
    }

    public void Restore()
    {
        _sub.Items.Clear();
        foreach (var (item, price, quantity, metadata) in _items)
        {
            item.PriceId = price;
            item.Quantity = quantity;
            item.Metadata = metadata;
            _sub.Items.Add(item);
        }
        _sub.Discounts.Clear();
        foreach (var (discount, removed) in _discounts)
        {
            discount.Removed = removed;
            _sub.Discounts.Add(discount);
        }
        _sub.Metadata = _metadata;
        _sub.CancelAtPeriodEnd = _cancelAtPeriodEnd;
        _sub.CancelAt = _cancelAt;
        _sub.CanceledAt = _canceledAt;
        _sub.DefaultPaymentMethodId = _defaultPaymentMethod;
        _sub.Description = _description;
    }
}
