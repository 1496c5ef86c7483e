using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

/// <summary>
/// Applies Stripe state to the mirror tables, the only writer of them. <c>asOf</c> is Stripe's time of
/// the information (an event's <c>created</c>, or the time of a sync); state older than what a row
/// already holds is ignored, so an old event never overwrites newer state. Changes are staged on the
/// context: the caller saves them in one transaction (the concurrency token is bumped on save).
/// Changes to a subscription's history or discounts and to a price's terms are told to every
/// <see cref="IMirrorChangeListener"/> as they are staged, so what they stage is saved with them.
/// </summary>
internal sealed partial class MirrorWriter(TallyDbContext db, CustomerLinks links, TimeProvider clock, IEnumerable<IMirrorChangeListener> listeners)
{
    public async Task<MirroredCustomer> UpsertCustomerAsync(CustomerRecord c, DateTimeOffset asOf, CancellationToken ct)
    {
        var (row, applied) = await UpsertAsync(customers, c.Id, asOf, FindCustomerAsync(c.Id, ct), () => new MirroredCustomer { StripeCustomerId = c.Id }, row =>
        {
            (row.Email, row.Name, row.DefaultPaymentMethodId, row.Currency) = (c.Email, c.Name, c.DefaultPaymentMethodId, c.Currency);
            (row.Deleted, row.StripeCreated, row.UpdatedAt, row.TestClockId) = (c.Deleted, c.Created, clock.GetUtcNow(), c.TestClockId ?? row.TestClockId);
        });
        if (applied && c.Deleted)
        {
            await links.ReleaseAsync(c.Id, ct);
        }
        else if (applied && row.UserId is null && await links.LinkAsync(c.Id, c.Metadata, c.Deleted, ct) is { } userId)
        {
            row.UserId = userId;
            await ClaimOrphansAsync(c.Id, userId, ct);
        }

        return row;
    }

    public Task UpsertProductAsync(ProductRecord p, DateTimeOffset asOf, CancellationToken ct) =>
        UpsertAsync(products, p.Id, asOf, FindProductAsync(p.Id, ct), () => new MirroredProduct { StripeProductId = p.Id },
            row => (row.Name, row.Active, row.Deleted, row.StripeCreated) = (p.Name, p.Active, p.Deleted, p.Created));

    public Task UpsertPriceAsync(PriceRecord p, DateTimeOffset asOf, CancellationToken ct) =>
        UpsertAsync(prices, p.Id, asOf, FindPriceAsync(p.Id, ct), () => new MirroredPrice { StripePriceId = p.Id, Currency = p.Currency }, row =>
        {
            if (db.Entry(row).State == EntityState.Added || (row.Currency, row.UnitAmount, row.UnitAmountDecimal) != (p.Currency, p.UnitAmount, p.UnitAmountDecimal)
                || (row.RecurringInterval, row.RecurringIntervalCount, row.UsageType) != (p.Interval, p.IntervalCount, p.UsageType))
            {
                Staged(l => l.PriceStaged(p.Id));
            }

            (row.StripeProductId, row.Currency, row.UnitAmount, row.UnitAmountDecimal) = (p.ProductId, p.Currency, p.UnitAmount, p.UnitAmountDecimal);
            (row.Type, row.BillingScheme, row.RecurringInterval, row.RecurringIntervalCount) = (p.Type, p.BillingScheme, p.Interval, p.IntervalCount);
            (row.UsageType, row.MeterId, row.Active, row.Nickname, row.LookupKey) = (p.UsageType, p.MeterId, p.Active, p.Nickname, p.LookupKey);
            (row.Deleted, row.StripeCreated) = (p.Deleted, p.Created);
        });

    public async Task<Subscription> UpsertSubscriptionAsync(SubscriptionRecord s, DateTimeOffset asOf, CancellationToken ct)
    {
        var (row, applied) = await UpsertAsync(subscriptions, s.Id, asOf, FindSubscriptionAsync(s.Id, ct),
            () => new Subscription { StripeSubscriptionId = s.Id, StripeCustomerId = s.CustomerId, Status = s.Status }, row =>
            {
                var primary = s.PrimaryItem;
                (row.StripeCustomerId, row.Status, row.StripeSubscriptionItemId, row.PriceId) = (s.CustomerId, s.Status, primary?.Id, primary?.Price.Id);
                (row.Currency, row.CurrentPeriodStart, row.CurrentPeriodEnd) = (s.Currency ?? primary?.Price.Currency, primary?.CurrentPeriodStart, primary?.CurrentPeriodEnd);
                (row.CancelAtPeriodEnd, row.CancelAt, row.CanceledAt, row.EndedAt) = (s.CancelAtPeriodEnd, s.CancelAt, s.CanceledAt, s.EndedAt);
                (row.TrialStart, row.TrialEnd, row.StartDate, row.LatestInvoiceId) = (s.TrialStart, s.TrialEnd, s.StartDate, s.LatestInvoiceId);
                (row.StripeCreated, row.UpdatedAt) = (s.Created, clock.GetUtcNow());
            });
        if (applied)
        {
            row.UserId ??= await UserIdForCustomerAsync(s.CustomerId, ct);
            await UpsertItemsAsync(s, asOf, ct);
            await ReplaceDiscountsAsync(s, asOf, ct);
        }

        return row;
    }

    public async Task<Invoice> UpsertInvoiceAsync(InvoiceRecord i, DateTimeOffset asOf, CancellationToken ct)
    {
        var (row, applied) = await UpsertAsync(invoices, i.Id, asOf, FindInvoiceAsync(i.Id, ct),
            () => new Invoice { StripeInvoiceId = i.Id, StripeCustomerId = i.CustomerId, Status = i.Status, Currency = i.Currency }, row =>
            {
                (row.StripeCustomerId, row.StripeSubscriptionId, row.Number, row.Status) = (i.CustomerId, i.SubscriptionId, i.Number, i.Status);
                (row.AmountDue, row.AmountPaid, row.AmountRemaining, row.Subtotal, row.Total) = (i.AmountDue, i.AmountPaid, i.AmountRemaining, i.Subtotal, i.Total);
                (row.Currency, row.BillingReason, row.StripeCreated, row.PeriodStart, row.PeriodEnd) = (i.Currency, i.BillingReason, i.Created, i.PeriodStart, i.PeriodEnd);
                (row.PaidAt, row.HostedInvoiceUrl, row.UpdatedAt) = (i.PaidAt, i.HostedInvoiceUrl, clock.GetUtcNow());
            });
        if (applied)
        {
            row.UserId ??= await UserIdForCustomerAsync(i.CustomerId, ct);
            if (i.Lines is { } lines)
            {
                await ReplaceLinesAsync(i.Id, lines, ct);
            }
        }

        return row;
    }

    /// <summary>
    /// The one upsert of a mirror row: finds it (or adds a new one), and applies the information unless
    /// the row already holds newer (<paramref name="asOf"/> before its <c>SourceTimestamp</c>).
    /// </summary>
    private async Task<(T Row, bool Applied)> UpsertAsync<T>(Dictionary<string, T?> map, string id, DateTimeOffset asOf, Task<T?> find, Func<T> create, Action<T> apply)
        where T : class, IMirroredRow
    {
        var row = await find;
        if (row is null)
        {
            row = Added(map, id, create());
        }
        else if (asOf < row.SourceTimestamp)
        {
            return (row, false);
        }

        apply(row);
        row.SourceTimestamp = asOf;
        return (row, true);
    }

    private async Task UpsertItemsAsync(SubscriptionRecord s, DateTimeOffset asOf, CancellationToken ct)
    {
        var existing = await ChildrenAsync(items, s.Id, db.Set<SubscriptionItem>().Where(x => x.StripeSubscriptionId == s.Id), ItemOf, ct);
        foreach (var item in s.Items)
        {
            // Only a price not mirrored yet: price.* events and the sync keep known prices current, and
            // rewriting the one row every subscription shares would serialise their transactions on its lock.
            if (await FindPriceAsync(item.Price.Id, ct) is null)
            {
                await UpsertPriceAsync(item.Price, asOf, ct);
            }

            var row = existing.FirstOrDefault(x => x.StripeSubscriptionItemId == item.Id);
            if (row is null)
            {
                row = new SubscriptionItem { StripeSubscriptionItemId = item.Id, StripeSubscriptionId = s.Id, PriceId = item.Price.Id };
                db.Add(row);
                existing.Add(row);
            }

            row.PriceId = item.Price.Id;
            row.Quantity = item.Quantity;
            row.CurrentPeriodStart = item.CurrentPeriodStart;
            row.CurrentPeriodEnd = item.CurrentPeriodEnd;
            row.StripeCreated = item.Created;
            row.Deleted = false;
        }

        foreach (var gone in existing.Where(x => s.Items.All(i => i.Id != x.StripeSubscriptionItemId)))
        {
            gone.Deleted = true;
        }
    }

    private async Task ReplaceDiscountsAsync(SubscriptionRecord s, DateTimeOffset asOf, CancellationToken ct)
    {
        var existing = await ChildrenAsync(discounts, s.Id, db.Set<SubscriptionDiscount>().Where(x => x.StripeSubscriptionId == s.Id), DiscountOf, ct);
        foreach (var d in s.Discounts)
        {
            var row = existing.FirstOrDefault(x => x.StripeDiscountId == d.Id);
            if (row is null)
            {
                row = new SubscriptionDiscount { StripeDiscountId = d.Id, StripeSubscriptionId = s.Id, CouponId = d.CouponId, Duration = d.Duration };
                db.Add(row);
                existing.Add(row);
            }

            (row.CouponId, row.PercentOff, row.AmountOff, row.Currency) = (d.CouponId, d.PercentOff, d.AmountOff, d.Currency);
            (row.Duration, row.DurationInMonths, row.Start, row.End) = (d.Duration, d.DurationInMonths, d.Start, d.End);
        }

        // A discount no longer on the subscription is kept, ended when it was last seen gone: revenue
        // reads from these rows which discounts held at any past instant.
        var ended = existing.Where(x => s.Discounts.All(d => d.Id != x.StripeDiscountId) && (x.End is null || x.End > asOf)).ToList();
        foreach (var gone in ended)
        {
            gone.End = asOf;
        }

        if (s.Discounts.Count > 0 || ended.Count > 0)
        {
            Staged(l => l.SubscriptionStaged(s.Id));
        }
    }

    private void Staged(Action<IMirrorChangeListener> tell)
    {
        foreach (var listener in listeners)
        {
            tell(listener);
        }
    }

    private async Task ReplaceLinesAsync(string invoiceId, IReadOnlyList<InvoiceLineRecord> lines, CancellationToken ct)
    {
        var existing = await ChildrenAsync(invoiceLines, invoiceId, db.Set<InvoiceLine>().Where(x => x.StripeInvoiceId == invoiceId), LineOf, ct);
        foreach (var l in lines)
        {
            var row = existing.FirstOrDefault(x => x.StripeLineId == l.Id);
            if (row is null)
            {
                row = new InvoiceLine { StripeLineId = l.Id, StripeInvoiceId = invoiceId };
                db.Add(row);
                existing.Add(row);
            }

            (row.StripeSubscriptionId, row.StripeSubscriptionItemId, row.PriceId, row.Amount) = (l.SubscriptionId, l.SubscriptionItemId, l.PriceId, l.Amount);
            (row.Quantity, row.Proration, row.PeriodStart, row.PeriodEnd) = (l.Quantity, l.Proration, l.PeriodStart, l.PeriodEnd);
        }

        var removed = existing.Where(x => lines.All(l => l.Id != x.StripeLineId)).ToList();
        db.RemoveRange(removed);
        existing.RemoveAll(removed.Contains);
    }
}
