using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed partial class BillingEngine
{
    private Subscription? SubscriptionOf(Invoice inv) =>
        inv.SubscriptionId is null ? null : Subscriptions.GetValueOrDefault(inv.SubscriptionId);

    /// <summary>Draft → open, then an automatic charge attempt (subscription invoices collect automatically).</summary>
    private void FinalizeAndCharge(Invoice inv, long now)
    {
        Finalize(inv, now);
        Emit("invoice.finalized", Json.Invoice(inv), null, now);
        AttemptPayment(inv, now, null);
    }

    /// <summary>One collection attempt; emits the invoice and subscription events of its outcome.</summary>
    private bool AttemptPayment(Invoice inv, long now, string? paymentMethodId)
    {
        var sub = SubscriptionOf(inv);
        var (paid, _) = inv.AmountDue == 0 ? (true, null) : TryCharge(inv, sub, paymentMethodId);
        if (paid)
        {
            MarkPaidState(inv, now);
            Emit("invoice.paid", Json.Invoice(inv), null, now);
            Emit("invoice.payment_succeeded", Json.Invoice(inv), null, now);
            if (sub is not null && sub.Status is "incomplete" or "past_due" or "unpaid")
            {
                var previous = sub.Status;
                sub.Status = sub.TrialEnd is { } te && te > now ? "trialing" : "active";
                sub.IncompleteExpiresAt = null;
                Emit("customer.subscription.updated", Json.Subscription(sub), new JsonObject { ["status"] = previous }, now);
            }
            return true;
        }

        inv.AttemptCount++;
        inv.Attempted = true;
        var retryable = inv.BillingReason != "subscription_create" && sub is not null && sub.IsLive;
        inv.NextPaymentAttempt = retryable && inv.AttemptCount <= RetryDelaysDays.Length
            ? now + RetryDelaysDays[inv.AttemptCount - 1] * 86400L
            : null;
        Emit("invoice.payment_failed", Json.Invoice(inv), null, now);
        if (sub is null || !retryable)
        {
            return false;
        }

        if (sub.Status is "active" or "trialing")
        {
            var previous = sub.Status;
            sub.Status = "past_due";
            Emit("customer.subscription.updated", Json.Subscription(sub), new JsonObject { ["status"] = previous }, now);
        }
        if (inv.NextPaymentAttempt is null && sub.Status == "past_due")
        {
            // All retries failed: Stripe's failed-payment setting decides (cancel is its default).
            switch (Host.AfterFailedRetries)
            {
                case FailedPaymentOutcome.Cancel:
                    EndSubscription(sub, now, now);
                    break;
                case FailedPaymentOutcome.MarkUnpaid:
                    sub.Status = "unpaid";
                    Emit("customer.subscription.updated", Json.Subscription(sub), new JsonObject { ["status"] = "past_due" }, now);
                    break;
            }
        }
        return false;
    }

    public Invoice GetInvoice(string id)
    {
        lock (gate)
        {
            return Invoices.TryGetValue(id, out var inv) ? inv : throw BillingException.NoSuch("invoice", id);
        }
    }

    public Invoice FinalizeInvoice(string id)
    {
        lock (gate)
        {
            var inv = GetInvoice(id);
            if (inv.Status != "draft")
            {
                throw new BillingException(400, $"This invoice is already finalized, you can't re-finalize a non-draft invoice.", null, "invoice_not_editable");
            }

            var now = NowFor(inv.CustomerId);
            // Subscription invoices collect automatically: finalizing early charges now rather than at the
            // end of the grace hour (the draft's due moment is gone once it is open).
            FinalizeAndCharge(inv, now);
            return inv;
        }
    }

    public Invoice PayInvoice(string id, string? paymentMethodId, bool paidOutOfBand)
    {
        lock (gate)
        {
            var inv = GetInvoice(id);
            if (inv.Status == "paid")
            {
                throw new BillingException(400, "Invoice is already paid", null, "invoice_already_paid");
            }

            if (inv.Status is "void" or "uncollectible" && !paidOutOfBand)
            {
                throw new BillingException(400, $"You cannot pay an invoice with status {inv.Status}.", null, "invoice_not_open");
            }

            var now = NowFor(inv.CustomerId);
            if (inv.Status == "draft")
            {
                Finalize(inv, now);
                Emit("invoice.finalized", Json.Invoice(inv), null, now);
            }
            if (paymentMethodId is not null)
            {
                ValidatePaymentMethod(paymentMethodId, inv.CustomerId, "payment_method");
            }

            if (paidOutOfBand)
            {
                inv.Status = "paid";
                inv.PaidAt = now;
                inv.NextPaymentAttempt = null;
                Emit("invoice.paid", Json.Invoice(inv), null, now);
                return inv;
            }
            if (!AttemptPayment(inv, now, paymentMethodId))
            {
                throw new BillingException(402, "Your card was declined.", null, "card_declined", "card_error", "generic_decline");
            }

            return inv;
        }
    }

    public Invoice VoidInvoice(string id)
    {
        lock (gate)
        {
            var inv = GetInvoice(id);
            if (inv.Status is not ("open" or "uncollectible"))
            {
                throw new BillingException(400, $"You can only void open or uncollectible invoices; this invoice is {inv.Status}.", null, "invoice_not_editable");
            }

            var now = NowFor(inv.CustomerId);
            inv.Status = "void";
            inv.VoidedAt = now;
            inv.NextPaymentAttempt = null;
            Emit("invoice.voided", Json.Invoice(inv), null, now);
            return inv;
        }
    }

    public List<Invoice> ListInvoices(string? customer, string? subscription, string? status)
    {
        lock (gate)
        {
            IEnumerable<Invoice> q = Invoices.Values;
            if (customer is not null)
            {
                q = q.Where(i => i.CustomerId == customer);
            }

            if (subscription is not null)
            {
                q = q.Where(i => i.SubscriptionId == subscription);
            }

            if (status is not null)
            {
                q = q.Where(i => i.Status == status);
            }

            return [.. q.OrderByDescending(i => i.Created).ThenByDescending(i => i.Sequence)];
        }
    }

    public Invoice? FindInvoiceByPdfToken(string token)
    {
        lock (gate)
        {
            return Invoices.Values.FirstOrDefault(i => i.PdfToken == token);
        }
    }
}
