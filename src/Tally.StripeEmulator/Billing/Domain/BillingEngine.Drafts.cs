namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>Draft invoices, one-off invoice items and upcoming-invoice previews.</summary>
internal sealed partial class BillingEngine
{
    public Dictionary<string, InvoiceItem> InvoiceItems { get; } = [];

    internal sealed record InvoiceItemRequest(
        string CustomerId, string? InvoiceId, string? PriceId, long? Amount, decimal? UnitAmountDecimal, string? Currency,
        decimal Quantity, string? Description, Dictionary<string, string> Metadata);

    /// <summary>A pending item, or a line on the draft <see cref="InvoiceItemRequest.InvoiceId"/>.</summary>
    public InvoiceItem CreateInvoiceItem(InvoiceItemRequest r)
    {
        lock (gate)
        {
            var customer = LiveCustomer(r.CustomerId);
            var now = NowFor(r.CustomerId);
            Invoice? target = null;
            if (r.InvoiceId is not null)
            {
                target = Invoices.GetValueOrDefault(r.InvoiceId) ?? throw new BillingException(400, $"No such invoice: '{r.InvoiceId}'", "invoice", "resource_missing");
                if (target.Status != "draft")
                {
                    throw new BillingException(400, $"You can only add invoice items to draft invoices; {target.Id} is {target.Status}.", "invoice", "invoice_not_editable");
                }

                if (target.CustomerId != r.CustomerId)
                {
                    throw new BillingException(400, "The invoice belongs to another customer.", "invoice");
                }
            }

            InvoiceItem item;
            if (r.PriceId is not null)
            {
                var price = Host.FindPrice(r.PriceId) ?? throw new BillingException(400, $"No such price: '{r.PriceId}'", "pricing[price]", "resource_missing");
                item = new InvoiceItem
                {
                    Id = Host.NewId("ii"), CustomerId = r.CustomerId, Currency = price.Currency, PriceId = price.Id, ProductId = price.ProductId,
                    Quantity = r.Quantity, UnitAmountDecimal = price.UnitAmountDecimal,
                    Description = r.Description ?? ProductName(price), Date = now, TestClockId = customer.TestClockId, Metadata = r.Metadata,
                };
            }
            else
            {
                var unit = r.UnitAmountDecimal ?? (r.Amount is { } a ? a / r.Quantity : throw BillingException.Missing("amount"));
                item = new InvoiceItem
                {
                    Id = Host.NewId("ii"), CustomerId = r.CustomerId, Currency = r.Currency ?? throw BillingException.Missing("currency"),
                    Quantity = r.Quantity, UnitAmountDecimal = unit, Description = r.Description ?? "", Date = now,
                    TestClockId = customer.TestClockId, Metadata = r.Metadata,
                };
            }

            if (target is not null && target.Currency != item.Currency)
            {
                throw new BillingException(400, $"The currency of the item ({item.Currency}) must match the invoice's ({target.Currency}).", "currency");
            }

            InvoiceItems[item.Id] = item;
            if (target is not null)
            {
                Attach(target, item);
                Recompute(target, SubscriptionOf(target));
            }

            Emit("invoiceitem.created", Json.InvoiceItem(item), null, now);
            return item;
        }
    }

    public InvoiceItem GetInvoiceItem(string id)
    {
        lock (gate)
        {
            return InvoiceItems.TryGetValue(id, out var ii) ? ii : throw BillingException.NoSuch("invoiceitem", id);
        }
    }

    /// <summary>POST /v1/invoices: a draft (<c>billing_reason=manual</c>), optionally taking the customer's pending items.</summary>
    public Invoice CreateDraftInvoice(string customerId, string? currency, bool includePending, bool autoAdvance)
    {
        lock (gate)
        {
            var customer = LiveCustomer(customerId);
            var now = NowFor(customerId);
            var pending = PendingItems(customerId, currency).ToList();
            var inv = new Invoice
            {
                Id = Host.NewId("in"), CustomerId = customerId, TestClockId = customer.TestClockId,
                Currency = currency ?? pending.FirstOrDefault()?.Currency ?? "usd", BillingReason = "manual",
                Created = now, PeriodStart = now, PeriodEnd = now, Sequence = NextSequence(),
            };
            if (includePending)
            {
                foreach (var item in pending.Where(i => i.Currency == inv.Currency))
                {
                    Attach(inv, item);
                }
            }

            Recompute(inv, null);
            inv.AutomaticallyFinalizesAt = autoAdvance ? now + DraftGraceSeconds : null;
            Invoices[inv.Id] = inv;
            Emit("invoice.created", Json.Invoice(inv), null, now);
            return inv;
        }
    }

    /// <summary>
    /// POST /v1/invoices/create_preview: what the subscription's next invoice would hold now (next period's
    /// licensed lines, this period's metered usage so far, pending prorations and items), or the customer's
    /// pending items. Nothing is stored.
    /// </summary>
    public Invoice PreviewInvoice(string? customerId, string? subscriptionId)
    {
        lock (gate)
        {
            var sub = subscriptionId is null ? null : GetSubscriptionForParam(subscriptionId);
            var customer = sub?.CustomerId ?? customerId ?? throw BillingException.Missing("customer");
            if (sub is not null && customerId is not null && customerId != sub.CustomerId)
            {
                throw new BillingException(400, "The subscription belongs to another customer.", "subscription");
            }

            var info = LiveCustomer(customer);
            var now = NowFor(customer);
            var pending = PendingItems(customer, sub?.Currency).ToList();
            if ((sub is null && pending.Count == 0) || sub is { IsLive: false } || sub?.CancelAtPeriodEnd == true)
            {
                throw new BillingException(400, $"No upcoming invoices for customer: {customer}", null, "invoice_upcoming_none");
            }

            var start = sub?.PeriodStart ?? now;
            var end = sub?.PeriodEnd ?? now;
            var inv = new Invoice
            {
                Id = "upcoming_" + Host.NewId("in"), CustomerId = customer, SubscriptionId = sub?.Id, TestClockId = info.TestClockId,
                Currency = sub?.Currency ?? pending[0].Currency, BillingReason = sub is null ? "manual" : "upcoming",
                Created = now, PeriodStart = start, PeriodEnd = end, SubscriptionMetadata = sub is null ? [] : new(sub.Metadata),
            };
            if (sub is not null)
            {
                inv.Lines.AddRange(sub.PendingProrations.Select(Copy));
                AddLicensedLines(inv, sub, end, NextBoundary(sub, end), trial: false);
                AddMeteredLines(inv, sub, start, end, zero: false);
            }

            foreach (var item in pending.Where(i => i.Currency == inv.Currency))
            {
                inv.Lines.Add(LineFor(item, inv));
            }

            Recompute(inv, sub);
            return inv;
        }
    }

    /// <summary>Puts the customer's pending items on a new subscription cycle invoice, as Stripe does.</summary>
    private void AttachPendingItems(Invoice inv)
    {
        foreach (var item in PendingItems(inv.CustomerId, inv.Currency).ToList())
        {
            Attach(inv, item);
        }
    }

    private IEnumerable<InvoiceItem> PendingItems(string customerId, string? currency) =>
        InvoiceItems.Values.Where(i => i.InvoiceId is null && i.CustomerId == customerId && (currency is null || i.Currency == currency));

    private void Attach(Invoice inv, InvoiceItem item)
    {
        item.InvoiceId = inv.Id;
        inv.Lines.Add(LineFor(item, inv));
    }

    private InvoiceLine LineFor(InvoiceItem item, Invoice inv) => new()
    {
        Id = Host.NewId("il"),
        Description = item.Description,
        PriceId = item.PriceId ?? "",
        InvoiceItemId = item.Id,
        Quantity = item.Quantity,
        UnitAmountDecimal = item.UnitAmountDecimal,
        PeriodStart = item.Date,
        PeriodEnd = item.Date,
    };

    private static InvoiceLine Copy(InvoiceLine l) => new()
    {
        Id = l.Id, Description = l.Description, PriceId = l.PriceId, SubscriptionItemId = l.SubscriptionItemId, Quantity = l.Quantity,
        UnitAmountDecimal = l.UnitAmountDecimal, PeriodStart = l.PeriodStart, PeriodEnd = l.PeriodEnd, Metered = l.Metered,
        Proration = l.Proration, PriceDriven = l.PriceDriven, InvoiceItemId = l.InvoiceItemId,
    };

    private CustomerInfo LiveCustomer(string id) =>
        Host.FindCustomer(id) is { Deleted: false } c ? c : throw new BillingException(400, $"No such customer: '{id}'", "customer", "resource_missing");

    private Subscription GetSubscriptionForParam(string id) =>
        Subscriptions.TryGetValue(id, out var s) ? s : throw new BillingException(400, $"No such subscription: '{id}'", "subscription", "resource_missing");
}
