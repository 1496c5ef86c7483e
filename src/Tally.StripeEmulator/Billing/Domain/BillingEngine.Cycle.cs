using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed partial class BillingEngine
{
    private enum DueKind { FinalizeInvoice = 0, RetryPayment = 1, DiscountEnds = 2, ExpireIncomplete = 3, TrialWillEnd = 4, CancelAt = 5, PeriodEnd = 6 }

    /// <summary>Stripe sends customer.subscription.trial_will_end three days before a trial ends.</summary>
    private const long TrialWillEndLead = 3 * 86400;

    private readonly record struct Due(long At, DueKind Kind, long Sequence, string Id);

    /// <summary>
    /// Runs, in time order, every due moment of the objects living on <paramref name="clockId"/>
    /// (null = objects on real time) up to and including <paramref name="until"/>. Each moment sets
    /// the clock to that moment first, so objects and events carry emulated time.
    /// </summary>
    private void RunDue(string? clockId, long until, TestClock? clock)
    {
        for (var guard = 0; guard < 1_000_000; guard++)
        {
            var next = NextDue(clockId, until);
            if (next is not { } due)
            {
                return;
            }

            if (clock is not null)
            {
                SetClockTime(clock, Math.Max(clock.FrozenTime, due.At));
            }

            Run(due);
        }
        throw new InvalidOperationException("billing cycle did not converge");
    }

    private long caughtUpTo = long.MinValue;

    /// <summary>
    /// Real-time subscriptions move forward whenever billing is touched. Once per emulator second is
    /// enough: every due moment created by a request lies in the future of that request.
    /// </summary>
    public void CatchUpRealTime()
    {
        var now = Host.RealNow.ToUnixTimeSeconds();
        lock (gate)
        {
            if (now == caughtUpTo)
            {
                return;
            }

            caughtUpTo = now;
            RunDue(null, now, null);
        }
    }

    private Due? NextDue(string? clockId, long until)
    {
        Due? best = null;
        void Consider(long at, DueKind kind, long seq, string id)
        {
            if (at > until)
            {
                return;
            }

            var d = new Due(at, kind, seq, id);
            if (best is not { } b || (d.At, (int)d.Kind, d.Sequence).CompareTo((b.At, (int)b.Kind, b.Sequence)) < 0)
            {
                best = d;
            }
        }
        foreach (var inv in Invoices.Values)
        {
            if (inv.TestClockId != clockId)
            {
                continue;
            }

            if (inv.Status == "draft" && inv.AutomaticallyFinalizesAt is { } f)
            {
                Consider(f, DueKind.FinalizeInvoice, inv.Sequence, inv.Id);
            }

            if (inv.Status == "open" && inv.NextPaymentAttempt is { } r)
            {
                Consider(r, DueKind.RetryPayment, inv.Sequence, inv.Id);
            }
        }
        foreach (var sub in Subscriptions.Values)
        {
            if (sub.TestClockId != clockId || !sub.IsLive)
            {
                continue;
            }

            if (sub.Status == "incomplete")
            {
                if (sub.IncompleteExpiresAt is { } x)
                {
                    Consider(x, DueKind.ExpireIncomplete, sub.Sequence, sub.Id);
                }

                continue;
            }
            if (sub.Status == "trialing" && sub.TrialEnd is { } te && !sub.TrialWillEndSent && te - TrialWillEndLead > sub.Created)
            {
                Consider(te - TrialWillEndLead, DueKind.TrialWillEnd, sub.Sequence, sub.Id);
            }

            foreach (var d in sub.ActiveDiscounts)
            {
                if (d.End is { } end)
                {
                    Consider(end, DueKind.DiscountEnds, sub.Sequence, sub.Id);
                }
            }

            if (sub.CancelAt is { } ca && ca < sub.PeriodEnd)
            {
                Consider(ca, DueKind.CancelAt, sub.Sequence, sub.Id);
            }

            Consider(sub.PeriodEnd, DueKind.PeriodEnd, sub.Sequence, sub.Id);
        }
        return best;
    }

    private void Run(Due due)
    {
        switch (due.Kind)
        {
            case DueKind.FinalizeInvoice:
                FinalizeAndCharge(Invoices[due.Id], due.At);
                break;
            case DueKind.RetryPayment:
                AttemptPayment(Invoices[due.Id], due.At, null);
                break;
            case DueKind.DiscountEnds:
                EndDiscounts(Subscriptions[due.Id], due.At);
                break;
            case DueKind.ExpireIncomplete:
                ExpireIncomplete(Subscriptions[due.Id], due.At);
                break;
            case DueKind.TrialWillEnd:
                Subscriptions[due.Id].TrialWillEndSent = true;
                Emit("customer.subscription.trial_will_end", Json.Subscription(Subscriptions[due.Id]), null, due.At);
                break;
            case DueKind.CancelAt:
                EndWithFinalUsage(Subscriptions[due.Id], due.At);
                break;
            default:
                Rollover(Subscriptions[due.Id], due.At);
                break;
        }
    }

    private void Rollover(Subscription sub, long end)
    {
        if (sub.CancelAtPeriodEnd || sub.CancelAt is { } ca && ca <= end)
        {
            EndWithFinalUsage(sub, end);
            return;
        }
        var previous = new JsonObject
        {
            ["items"] = Json.ItemList(sub),
            ["latest_invoice"] = sub.LatestInvoiceId,
        };
        var start = sub.PeriodStart;
        if (sub.Status == "trialing" && sub.TrialEnd is { } te && te <= end)
        {
            previous["status"] = sub.Status;
            sub.Status = "active";
        }
        var next = NextBoundary(sub, end);
        foreach (var item in sub.Items)
        {
            item.CurrentPeriodStart = end;
            item.CurrentPeriodEnd = next;
        }
        var inv = NewInvoice(sub, "subscription_cycle", end, start, end);
        inv.Lines.AddRange(sub.PendingProrations);
        sub.PendingProrations.Clear();
        AttachPendingItems(inv);
        AddLicensedLines(inv, sub, end, next, trial: false);
        AddMeteredLines(inv, sub, start, end, zero: false);
        Recompute(inv, sub);
        inv.AutomaticallyFinalizesAt = end + DraftGraceSeconds;
        Invoices[inv.Id] = inv;
        sub.LatestInvoiceId = inv.Id;
        Emit("customer.subscription.updated", Json.Subscription(sub), previous, end);
        Emit("invoice.created", Json.Invoice(inv), null, end);
    }

    /// <summary>Ends the subscription at <paramref name="at"/>, invoicing the metered usage of the cut-short period.</summary>
    private void EndWithFinalUsage(Subscription sub, long at)
    {
        var start = sub.PeriodStart;
        var metered = sub.Items.Any(i => Host.FindPrice(i.PriceId)?.IsMetered == true);
        EndSubscription(sub, sub.CanceledAt ?? at, at);
        if (!metered || at <= start)
        {
            return;
        }

        var inv = NewInvoice(sub, "subscription_cycle", at, start, at);
        AddMeteredLines(inv, sub, start, at, zero: false);
        Recompute(inv, sub);
        inv.AutomaticallyFinalizesAt = at + DraftGraceSeconds;
        Invoices[inv.Id] = inv;
        sub.LatestInvoiceId = inv.Id;
        Emit("invoice.created", Json.Invoice(inv), null, at);
    }

    private void EndDiscounts(Subscription sub, long at)
    {
        var ended = sub.ActiveDiscounts.Where(d => d.End is { } e && e <= at).ToList();
        if (ended.Count == 0)
        {
            return;
        }

        var previous = new JsonObject { ["discounts"] = new JsonArray([.. sub.ActiveDiscounts.Select(d => (JsonNode?)d.Id)]) };
        foreach (var d in ended)
        {
            d.Removed = true;
        }

        Emit("customer.subscription.updated", Json.Subscription(sub), previous, at);
    }

    private void ExpireIncomplete(Subscription sub, long at)
    {
        sub.Status = "incomplete_expired";
        sub.EndedAt = at;
        sub.IncompleteExpiresAt = null;
        if (sub.LatestInvoiceId is { } id && Invoices.TryGetValue(id, out var inv) && inv.Status == "open")
        {
            inv.Status = "void";
            inv.VoidedAt = at;
            Emit("invoice.voided", Json.Invoice(inv), null, at);
        }
        Emit("customer.subscription.updated", Json.Subscription(sub), new JsonObject { ["status"] = "incomplete" }, at);
    }
}
