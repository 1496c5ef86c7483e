using System.Globalization;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed partial class BillingEngine
{
    public static readonly string[] ProrationBehaviors = ["create_prorations", "none", "always_invoice"];

    /// <summary>
    /// Stripe's default on item changes: credit the unused rest of the period for licensed items as
    /// they were, debit it for the items as they are now (quantity, price, added, removed). Metered
    /// items and trials are not prorated.
    /// </summary>
    private List<InvoiceLine> Prorate(Subscription sub, SubscriptionMemento before, long now)
    {
        var lines = new List<InvoiceLine>();
        var (start, end) = (sub.PeriodStart, sub.PeriodEnd);
        if (sub.Status == "trialing" || now <= start || now >= end)
        {
            return lines;
        }

        var fraction = (decimal)(end - now) / (end - start);
        var old = before.Items.ToDictionary(i => i.Item.Id);
        foreach (var (item, priceId, quantity) in before.Items)
        {
            if (sub.Items.Contains(item) && item.PriceId == priceId && item.Quantity == quantity)
            {
                continue;
            }

            AddProration(lines, item.Id, priceId, quantity, -fraction, now, end);
        }
        foreach (var item in sub.Items)
        {
            if (old.TryGetValue(item.Id, out var was) && was.PriceId == item.PriceId && was.Quantity == item.Quantity)
            {
                continue;
            }

            AddProration(lines, item.Id, item.PriceId, item.Quantity, fraction, now, end);
        }
        return lines;
    }

    private void AddProration(List<InvoiceLine> lines, string itemId, string priceId, long? quantity, decimal fraction, long now, long end)
    {
        var price = Host.FindPrice(priceId);
        if (price is null || price.IsMetered || price.HasSpecialPricing || quantity is not { } q || q == 0)
        {
            return;
        }

        var after = DateTimeOffset.FromUnixTimeSeconds(now).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        lines.Add(new InvoiceLine
        {
            Id = Host.NewId("il"),
            Description = fraction < 0
                ? $"Unused time on {q} × {ProductName(price)} after {after}"
                : $"Remaining time on {q} × {ProductName(price)} after {after}",
            PriceId = priceId,
            SubscriptionItemId = itemId,
            Quantity = q,
            UnitAmountDecimal = decimal.Round(price.UnitAmountDecimal * fraction, 12),
            PeriodStart = now,
            PeriodEnd = end,
            Proration = true,
        });
    }

    /// <summary>create_prorations: onto the next invoice; always_invoice: invoiced and charged now; none: dropped.</summary>
    private void ApplyProrations(Subscription sub, List<InvoiceLine> lines, string behavior, long now)
    {
        if (lines.Count == 0 || behavior == "none")
        {
            return;
        }

        sub.PendingProrations.AddRange(lines);
        if (behavior != "always_invoice")
        {
            return;
        }

        var inv = NewInvoice(sub, "subscription_update", now, now, now);
        inv.Lines.AddRange(sub.PendingProrations);
        sub.PendingProrations.Clear();
        Recompute(inv, sub);
        Invoices[inv.Id] = inv;
        sub.LatestInvoiceId = inv.Id;
        Emit("invoice.created", Json.Invoice(inv), null, now);
        FinalizeAndCharge(inv, now);
    }
}
