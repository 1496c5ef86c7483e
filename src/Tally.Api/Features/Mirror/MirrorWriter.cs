using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Invoices;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

/// <summary>
/// Applies Stripe state to the mirror tables. <c>asOf</c> is Stripe's time of the information (an
/// event's <c>created</c>, or the time of a sync); state older than what a row already holds is
/// ignored, so an old event never overwrites newer state. Changes are staged on the context: the
/// caller saves them in one transaction.
/// </summary>
internal sealed partial class MirrorWriter(TallyDbContext db, UserDirectory users, TimeProvider clock)
{
    public async Task<MirroredCustomer> UpsertCustomerAsync(CustomerRecord c, DateTimeOffset asOf, CancellationToken ct)
    {
        var row = await FindCustomerAsync(c.Id, ct);
        if (row is null)
        {
            row = Added(customers, c.Id, new MirroredCustomer { StripeCustomerId = c.Id });
        }
        else if (asOf < row.SourceTimestamp)
        {
            return row;
        }

        row.Email = c.Email;
        row.Name = c.Name;
        row.DefaultPaymentMethodId = c.DefaultPaymentMethodId;
        row.Currency = c.Currency;
        row.Deleted = c.Deleted;
        row.StripeCreated = c.Created;
        row.SourceTimestamp = asOf;
        row.UpdatedAt = clock.GetUtcNow();
        row.Version++;
        if (row.UserId is null && await LinkUserAsync(c, ct) is { } userId)
        {
            row.UserId = userId;
            await ClaimOrphansAsync(c.Id, userId, ct);
        }

        return row;
    }

    public async Task UpsertProductAsync(ProductRecord p, DateTimeOffset asOf, CancellationToken ct)
    {
        var row = await FindProductAsync(p.Id, ct);
        if (row is null)
        {
            row = Added(products, p.Id, new MirroredProduct { StripeProductId = p.Id });
        }
        else if (asOf < row.SourceTimestamp)
        {
            return;
        }

        (row.Name, row.Active, row.Deleted, row.StripeCreated, row.SourceTimestamp) = (p.Name, p.Active, p.Deleted, p.Created, asOf);
        row.Version++;
    }

    public async Task UpsertPriceAsync(PriceRecord p, DateTimeOffset asOf, CancellationToken ct)
    {
        var row = await FindPriceAsync(p.Id, ct);
        if (row is null)
        {
            row = Added(prices, p.Id, new MirroredPrice { StripePriceId = p.Id, Currency = p.Currency });
        }
        else if (asOf < row.SourceTimestamp)
        {
            return;
        }

        row.StripeProductId = p.ProductId;
        row.Currency = p.Currency;
        row.UnitAmount = p.UnitAmount;
        row.UnitAmountDecimal = p.UnitAmountDecimal;
        row.Type = p.Type;
        row.BillingScheme = p.BillingScheme;
        row.RecurringInterval = p.Interval;
        row.RecurringIntervalCount = p.IntervalCount;
        row.UsageType = p.UsageType;
        row.MeterId = p.MeterId;
        row.Active = p.Active;
        row.Nickname = p.Nickname;
        row.LookupKey = p.LookupKey;
        row.Deleted = p.Deleted;
        row.StripeCreated = p.Created;
        row.SourceTimestamp = asOf;
        row.Version++;
    }

    public async Task<Subscription> UpsertSubscriptionAsync(SubscriptionRecord s, DateTimeOffset asOf, CancellationToken ct)
    {
        var row = await FindSubscriptionAsync(s.Id, ct);
        if (row is null)
        {
            row = Added(subscriptions, s.Id, new Subscription { StripeSubscriptionId = s.Id, StripeCustomerId = s.CustomerId, Status = s.Status });
        }
        else if (asOf < row.SourceTimestamp)
        {
            return row;
        }

        var primary = s.PrimaryItem;
        row.StripeCustomerId = s.CustomerId;
        row.UserId ??= await UserIdForCustomerAsync(s.CustomerId, s.Metadata, ct);
        row.Status = s.Status;
        row.StripeSubscriptionItemId = primary?.Id;
        row.PriceId = primary?.Price.Id;
        row.Currency = s.Currency ?? primary?.Price.Currency;
        row.CurrentPeriodStart = primary?.CurrentPeriodStart;
        row.CurrentPeriodEnd = primary?.CurrentPeriodEnd;
        row.CancelAtPeriodEnd = s.CancelAtPeriodEnd;
        row.CancelAt = s.CancelAt;
        row.CanceledAt = s.CanceledAt;
        row.EndedAt = s.EndedAt;
        row.TrialStart = s.TrialStart;
        row.TrialEnd = s.TrialEnd;
        row.StartDate = s.StartDate;
        row.LatestInvoiceId = s.LatestInvoiceId;
        row.StripeCreated = s.Created;
        row.SourceTimestamp = asOf;
        row.UpdatedAt = clock.GetUtcNow();
        row.Version++;
        await UpsertItemsAsync(s, asOf, ct);
        await ReplaceDiscountsAsync(s, ct);
        return row;
    }

    public async Task<Invoice> UpsertInvoiceAsync(InvoiceRecord i, DateTimeOffset asOf, CancellationToken ct)
    {
        var row = await FindInvoiceAsync(i.Id, ct);
        if (row is null)
        {
            row = Added(invoices, i.Id, new Invoice { StripeInvoiceId = i.Id, StripeCustomerId = i.CustomerId, Status = i.Status, Currency = i.Currency });
        }
        else if (asOf < row.SourceTimestamp)
        {
            return row;
        }

        row.StripeCustomerId = i.CustomerId;
        row.StripeSubscriptionId = i.SubscriptionId;
        row.UserId ??= await UserIdForCustomerAsync(i.CustomerId, null, ct);
        row.Number = i.Number;
        row.Status = i.Status;
        (row.AmountDue, row.AmountPaid, row.AmountRemaining, row.Subtotal, row.Total) = (i.AmountDue, i.AmountPaid, i.AmountRemaining, i.Subtotal, i.Total);
        row.Currency = i.Currency;
        row.BillingReason = i.BillingReason;
        row.StripeCreated = i.Created;
        row.PeriodStart = i.PeriodStart;
        row.PeriodEnd = i.PeriodEnd;
        row.PaidAt = i.PaidAt;
        row.HostedInvoiceUrl = i.HostedInvoiceUrl;
        row.SourceTimestamp = asOf;
        row.UpdatedAt = clock.GetUtcNow();
        row.Version++;
        return row;
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

    private async Task ReplaceDiscountsAsync(SubscriptionRecord s, CancellationToken ct)
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

        var removed = existing.Where(x => s.Discounts.All(d => d.Id != x.StripeDiscountId)).ToList();
        db.RemoveRange(removed);
        existing.RemoveAll(removed.Contains);
    }
}
