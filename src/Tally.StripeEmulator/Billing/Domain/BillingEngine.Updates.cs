using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed partial class BillingEngine
{
    public Subscription UpdateSubscription(string id, UpdateSubscriptionRequest r)
    {
        lock (gate)
        {
            var sub = GetSubscription(id);
            if (!sub.IsLive)
            {
                throw new BillingException(400, "A canceled subscription can only update its cancellation_details and metadata.");
            }

            var now = NowFor(sub.CustomerId);
            var memento = new SubscriptionMemento(sub);
            JsonObject previous;
            try
            {
                previous = ApplyUpdate(sub, r, now);
            }
            catch (BillingException)
            {
                memento.Restore();
                throw;
            }
            if (previous.Count > 0)
            {
                Emit("customer.subscription.updated", Json.Subscription(sub), previous, now);
            }

            ApplyProrations(sub, Prorate(sub, memento, now), r.ProrationBehavior, now);
            if (r.TrialEndNow && sub.Status == "trialing")
            {
                sub.TrialEnd = now;
                sub.BillingCycleAnchor = now;
                foreach (var item in sub.Items)
                {
                    item.CurrentPeriodEnd = now;
                }

                Rollover(sub, now);
            }
            return sub;
        }
    }

    private JsonObject ApplyUpdate(Subscription sub, UpdateSubscriptionRequest r, long now)
    {
        var previous = new JsonObject();
        if (r.Items is { Count: > 0 })
        {
            previous["items"] = Json.ItemList(sub);
            for (var i = 0; i < r.Items.Count; i++)
            {
                ApplyItem(sub, r.Items[i], i, now);
            }

            if (sub.Items.Count == 0)
            {
                throw BillingException.Invalid("items", "A subscription must have at least one active price.");
            }
        }
        if (r.CancelAtPeriodEnd is { } cape && cape != sub.CancelAtPeriodEnd)
        {
            previous["cancel_at_period_end"] = sub.CancelAtPeriodEnd;
            previous["canceled_at"] = sub.CanceledAt;
            sub.CancelAtPeriodEnd = cape;
            sub.CanceledAt = cape ? now : null;
        }
        if (r.ClearCancelAt || r.CancelAt is not null)
        {
            if (r.CancelAt is { } at && at <= now)
            {
                throw BillingException.Invalid("cancel_at", "Invalid timestamp: must be an integer Unix timestamp in the future.");
            }

            previous["cancel_at"] = sub.CancelAt;
            sub.CancelAt = r.CancelAt;
            sub.CanceledAt = r.CancelAt is null ? null : now;
        }
        if (r.DefaultPaymentMethod is not null)
        {
            if (r.DefaultPaymentMethod.Length > 0)
            {
                ValidatePaymentMethod(r.DefaultPaymentMethod, sub.CustomerId, "default_payment_method");
            }

            previous["default_payment_method"] = sub.DefaultPaymentMethodId;
            sub.DefaultPaymentMethodId = r.DefaultPaymentMethod.Length == 0 ? null : r.DefaultPaymentMethod;
        }
        if (r.Metadata is not null)
        {
            previous["metadata"] = Json.Metadata(sub.Metadata);
            foreach (var (k, v) in r.Metadata)
            {
                if (v.Length == 0)
                {
                    sub.Metadata.Remove(k);
                }
                else
                {
                    sub.Metadata[k] = v;
                }
            }
        }
        if (r.Coupons is not null)
        {
            previous["discounts"] = new JsonArray([.. sub.ActiveDiscounts.Select(d => (JsonNode?)d.Id)]);
            var fresh = r.Coupons.Select(c => sub.ActiveDiscounts.FirstOrDefault(d => d.CouponId == c) ?? NewDiscount(sub, c, now)).ToList();
            foreach (var d in sub.ActiveDiscounts.Except(fresh).ToList())
            {
                d.Removed = true;
            }

            foreach (var d in fresh.Where(d => !sub.Discounts.Contains(d)))
            {
                sub.Discounts.Add(d);
            }
        }
        if (r.Description is not null)
        {
            previous["description"] = sub.Description;
            sub.Description = r.Description.Length == 0 ? null : r.Description;
        }
        return previous;
    }

    private SubscriptionItem ApplyItem(Subscription sub, ItemRequest it, int index, long now)
    {
        if (it.Id is null)
        {
            var price = ValidateItem(it, index, sub);
            if (sub.Items.Any(x => x.PriceId == price.Id))
            {
                throw BillingException.Invalid($"items[{index}][price]", "Cannot add multiple subscription items with the same price.");
            }

            var added = NewItem(sub, price, it, now, sub.PeriodEnd);
            sub.Items.Add(added);
            return added;
        }
        var item = sub.Items.FirstOrDefault(x => x.Id == it.Id)
            ?? throw BillingException.NoSuch("subscription_item", it.Id, $"items[{index}][id]");
        if (it.Deleted)
        {
            sub.Items.Remove(item);
            return item;
        }
        var current = Host.FindPrice(item.PriceId);
        if (it.Price is not null && it.Price != item.PriceId)
        {
            current = ValidateItem(it, index, sub);
            item.PriceId = current.Id;
            if (current.IsMetered)
            {
                item.Quantity = null;
            }
            else
            {
                item.Quantity ??= 1;
            }
        }
        if (it.Quantity is { } q)
        {
            if (current?.IsMetered == true)
            {
                throw BillingException.Invalid($"items[{index}][quantity]", "You cannot set the quantity for metered plans.");
            }

            if (q < 0)
            {
                throw BillingException.Invalid($"items[{index}][quantity]", "Invalid integer: quantity must be 0 or greater.");
            }

            item.Quantity = q;
        }
        if (it.Metadata is not null)
        {
            foreach (var (k, v) in it.Metadata)
            {
                if (v.Length == 0)
                {
                    item.Metadata.Remove(k);
                }
                else
                {
                    item.Metadata[k] = v;
                }
            }
        }

        return item;
    }

    public (Subscription Sub, SubscriptionItem Item) FindItem(string itemId)
    {
        lock (gate)
        {
            foreach (var sub in Subscriptions.Values)
            {
                foreach (var item in sub.Items)
                {
                    if (item.Id == itemId)
                    {
                        return (sub, item);
                    }
                }
            }

            throw BillingException.NoSuch("subscription_item", itemId);
        }
    }

    /// <summary>Create, update (id set) or delete (id set, deleted) one item through the subscription-items API.</summary>
    public SubscriptionItem ChangeItem(string subscriptionId, ItemRequest request, string prorationBehavior = "create_prorations")
    {
        lock (gate)
        {
            var sub = GetSubscription(subscriptionId);
            if (!sub.IsLive)
            {
                throw new BillingException(400, "A canceled subscription cannot be changed.");
            }

            var previous = new JsonObject { ["items"] = Json.ItemList(sub) };
            var memento = new SubscriptionMemento(sub);
            SubscriptionItem item;
            try
            {
                item = ApplyItem(sub, request, 0, NowFor(sub.CustomerId));
                if (sub.Items.Count == 0)
                {
                    throw BillingException.Invalid("id", "A subscription must have at least one active price. To cancel it, delete the subscription.");
                }
            }
            catch (BillingException)
            {
                memento.Restore();
                throw;
            }
            var now = NowFor(sub.CustomerId);
            Emit("customer.subscription.updated", Json.Subscription(sub), previous, now);
            ApplyProrations(sub, Prorate(sub, memento, now), prorationBehavior, now);
            return item;
        }
    }
}
