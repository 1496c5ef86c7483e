using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed partial class BillingEngine
{
    private static readonly HashSet<string> PaymentBehaviors =
        ["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"];

    public Subscription CreateSubscription(CreateSubscriptionRequest r)
    {
        lock (gate)
        {
            if (string.IsNullOrEmpty(r.Customer))
            {
                throw BillingException.Missing("customer");
            }

            var customer = Host.FindCustomer(r.Customer);
            if (customer is null || customer.Deleted)
            {
                throw BillingException.NoSuch("customer", r.Customer, "customer");
            }

            if (r.Items.Count == 0)
            {
                throw BillingException.Missing("items");
            }

            if (!PaymentBehaviors.Contains(r.PaymentBehavior))
            {
                throw BillingException.Invalid("payment_behavior", $"Invalid payment_behavior: must be one of {string.Join(", ", PaymentBehaviors)}");
            }

            var prices = r.Items.Select((it, i) => ValidateItem(it, i, null)).ToList();
            var first = prices[0];
            for (var i = 1; i < prices.Count; i++)
            {
                if (prices[i].Interval != first.Interval || prices[i].IntervalCount != first.IntervalCount || prices[i].Currency != first.Currency)
                {
                    throw BillingException.Invalid($"items[{i}][price]", "Currency and interval fields must match across all plans on this subscription.");
                }
            }
            var now = NowFor(customer.Id);
            if (r.DefaultPaymentMethod is { Length: > 0 } pm)
            {
                ValidatePaymentMethod(pm, customer.Id, "default_payment_method");
            }

            long? trialEnd = null;
            if (!r.TrialEndNow && r.TrialEnd is { } te)
            {
                if (te <= now)
                {
                    throw BillingException.Invalid("trial_end", "Invalid timestamp: must be an integer Unix timestamp in the future.");
                }

                trialEnd = te;
            }
            else if (!r.TrialEndNow && r.TrialPeriodDays is > 0 and var days)
            {
                trialEnd = now + days * 86400;
            }
            var anchor = r.BillingCycleAnchor ?? trialEnd ?? now;
            if (anchor < now)
            {
                throw BillingException.Invalid("billing_cycle_anchor", "Invalid timestamp: must be an integer Unix timestamp in the future.");
            }

            var sub = new Subscription
            {
                Id = Host.NewId("sub"),
                CustomerId = customer.Id,
                TestClockId = customer.TestClockId,
                Currency = first.Currency,
                Interval = first.Interval!,
                IntervalCount = first.IntervalCount,
                Created = now,
                StartDate = now,
                BillingCycleAnchor = anchor,
                TrialStart = trialEnd is null ? null : now,
                TrialEnd = trialEnd,
                DefaultPaymentMethodId = string.IsNullOrEmpty(r.DefaultPaymentMethod) ? null : r.DefaultPaymentMethod,
                Metadata = r.Metadata ?? [],
                CancelAtPeriodEnd = r.CancelAtPeriodEnd,
                CancelAt = r.CancelAt,
                Description = r.Description,
                Status = trialEnd is null ? "incomplete" : "trialing",
                Sequence = NextSequence(),
            };
            var periodEnd = trialEnd ?? (anchor > now ? anchor : Boundary(sub, now, 1));
            for (var i = 0; i < r.Items.Count; i++)
            {
                sub.Items.Add(NewItem(sub, prices[i], r.Items[i], now, periodEnd));
            }

            foreach (var coupon in r.Coupons)
            {
                sub.Discounts.Add(NewDiscount(sub, coupon, now));
            }

            var invoice = NewInvoice(sub, "subscription_create", now, now, now);
            var prorate = trialEnd is null && anchor > now;
            AddLicensedLines(invoice, sub, now, periodEnd, trial: trialEnd is not null, prorateFrom: prorate ? now : null);
            AddMeteredLines(invoice, sub, now, periodEnd, zero: true);
            Recompute(invoice, sub);

            var outcome = SettleFirstInvoice(sub, invoice, r.PaymentBehavior, now);
            if (outcome is { Failed: true } && r.PaymentBehavior == "error_if_incomplete")
            {
                throw new BillingException(402, "Your card was declined.", null, "card_declined", "card_error", outcome.DeclineCode ?? "generic_decline");
            }

            Subscriptions[sub.Id] = sub;
            Invoices[invoice.Id] = invoice;
            sub.LatestInvoiceId = invoice.Id;
            if (sub.Status == "incomplete")
            {
                sub.IncompleteExpiresAt = now + 23 * 3600;
            }

            Emit("customer.subscription.created", Json.Subscription(sub), null, now);
            EmitInvoiceLifecycle(invoice, outcome, now);
            return sub;
        }
    }

    private PriceInfo ValidateItem(ItemRequest item, int index, Subscription? existing)
    {
        if (string.IsNullOrEmpty(item.Price))
        {
            throw BillingException.Missing($"items[{index}][price]");
        }

        var price = Host.FindPrice(item.Price) ?? throw BillingException.NoSuch("price", item.Price, $"items[{index}][price]");
        if (!price.Active)
        {
            throw BillingException.Invalid($"items[{index}][price]", $"The price specified is inactive. This field only accepts active prices.");
        }

        if (!price.IsRecurring)
        {
            throw BillingException.Invalid($"items[{index}][price]", "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.");
        }

        if (price.IsMetered && item.Quantity is not null)
        {
            throw BillingException.Invalid($"items[{index}][quantity]", "You cannot set the quantity for metered plans.");
        }

        if (item.Quantity is < 0)
        {
            throw BillingException.Invalid($"items[{index}][quantity]", "Invalid integer: quantity must be 0 or greater.");
        }

        if (existing is not null && (existing.Interval != price.Interval || existing.IntervalCount != price.IntervalCount || existing.Currency != price.Currency))
        {
            throw BillingException.Invalid($"items[{index}][price]", "Currency and interval fields must match across all plans on this subscription.");
        }

        return price;
    }

    private void ValidatePaymentMethod(string pmId, string customerId, string param)
    {
        var pm = Host.FindPaymentMethod(pmId);
        if (pm is null || pm.CustomerId != customerId)
        {
            throw new BillingException(400, $"No such PaymentMethod: '{pmId}'", param, "resource_missing");
        }
    }

    private SubscriptionItem NewItem(Subscription sub, PriceInfo price, ItemRequest request, long now, long periodEnd) => new()
    {
        Id = Host.NewId("si"),
        SubscriptionId = sub.Id,
        PriceId = price.Id,
        Quantity = price.IsMetered ? null : request.Quantity ?? 1,
        Metadata = request.Metadata ?? [],
        Created = now,
        CurrentPeriodStart = sub.Items.Count > 0 ? sub.Items[0].CurrentPeriodStart : now,
        CurrentPeriodEnd = sub.Items.Count > 0 ? sub.Items[0].CurrentPeriodEnd : periodEnd,
    };

    private SubscriptionDiscount NewDiscount(Subscription sub, string couponId, long now)
    {
        var coupon = Host.FindCoupon(couponId) ?? throw BillingException.NoSuch("coupon", couponId, "discounts[0][coupon]");
        if (!coupon.Valid)
        {
            throw BillingException.Invalid("discounts[0][coupon]", $"Coupon {couponId} is no longer valid.");
        }

        long? end = coupon.Duration == "repeating" && coupon.DurationInMonths is { } months
            ? DateTimeOffset.FromUnixTimeSeconds(now).AddMonths((int)months).ToUnixTimeSeconds()
            : null;
        return new SubscriptionDiscount { Id = Host.NewId("di"), CouponId = coupon.Id, CustomerId = sub.CustomerId, SubscriptionId = sub.Id, Start = now, End = end };
    }

    private static long Boundary(Subscription sub, long from, long n) =>
        BillingCalendar.Boundary(DateTimeOffset.FromUnixTimeSeconds(from), sub.Interval, sub.IntervalCount, n).ToUnixTimeSeconds();

    private static long NextBoundary(Subscription sub, long after) =>
        BillingCalendar.NextBoundaryAfter(DateTimeOffset.FromUnixTimeSeconds(sub.BillingCycleAnchor), sub.Interval, sub.IntervalCount,
            DateTimeOffset.FromUnixTimeSeconds(after)).ToUnixTimeSeconds();

    public Subscription GetSubscription(string id)
    {
        lock (gate)
        {
            return Subscriptions.TryGetValue(id, out var s) ? s : throw BillingException.NoSuch("subscription", id);
        }
    }

    public Subscription CancelSubscription(string id, bool invoiceNow)
    {
        lock (gate)
        {
            var sub = GetSubscription(id);
            if (sub.Status == "canceled")
            {
                throw new BillingException(400, $"A canceled subscription can only update its cancellation_details and metadata.", null, "resource_missing");
            }

            var now = NowFor(sub.CustomerId);
            if (invoiceNow && sub.Items.Any(i => Host.FindPrice(i.PriceId)?.IsMetered == true))
            {
                var inv = NewInvoice(sub, "subscription_cycle", now, sub.PeriodStart, now);
                AddMeteredLines(inv, sub, sub.PeriodStart, now, zero: false);
                Recompute(inv, sub);
                Invoices[inv.Id] = inv;
                Emit("invoice.created", Json.Invoice(inv), null, now);
                FinalizeAndCharge(inv, now);
            }
            EndSubscription(sub, now, now);
            return sub;
        }
    }

    /// <summary>A deleted customer's subscriptions end at once, as on Stripe.</summary>
    public void CancelCustomerSubscriptions(string customerId)
    {
        lock (gate)
        {
            var now = NowFor(customerId);
            foreach (var sub in Subscriptions.Values.Where(s => s.CustomerId == customerId && s.IsLive).OrderBy(s => s.Sequence).ToList())
            {
                EndSubscription(sub, now, now);
            }
        }
    }

    private void EndSubscription(Subscription sub, long canceledAt, long endedAt)
    {
        sub.Status = "canceled";
        sub.CanceledAt ??= canceledAt;
        sub.EndedAt = endedAt;
        sub.IncompleteExpiresAt = null;
        Emit("customer.subscription.deleted", Json.Subscription(sub), null, endedAt);
    }

    public List<Subscription> ListSubscriptions(string? customer, string? price, string? status, string? clock)
    {
        lock (gate)
        {
            IEnumerable<Subscription> q = Subscriptions.Values;
            if (customer is not null)
            {
                q = q.Where(s => s.CustomerId == customer);
            }

            if (price is not null)
            {
                q = q.Where(s => s.Items.Any(i => i.PriceId == price));
            }

            if (clock is not null)
            {
                q = q.Where(s => s.TestClockId == clock);
            }

            q = status switch
            {
                null or "" => q.Where(s => s.Status is not ("canceled" or "incomplete_expired")),
                "all" => q,
                "ended" => q.Where(s => s.Status is "canceled" or "incomplete_expired"),
                _ => q.Where(s => s.Status == status),
            };
            return [.. q.OrderByDescending(s => s.Created).ThenByDescending(s => s.Sequence)];
        }
    }

    private void Emit(string type, JsonObject obj, JsonObject? previous, long created) => Host.Emit(type, obj, previous, created);
}
