using System.Net;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Webhooks;

/// <summary>
/// Applies the events of one target to the mirror: one re-fetch from Stripe for the whole group
/// (the current state, whatever order the events came in), written with <c>asOf</c> = the newest
/// event's <c>created</c>, so an older event never overwrites newer state. Subscription history is
/// recorded from each event's own payload at its own <c>created</c>. Changes are staged, not saved.
/// </summary>
internal sealed class WebhookApplier(MirrorWriter mirror, StripeGateway gateway)
{
    public async Task ApplyAsync(WebhookTarget target, IReadOnlyList<ClaimedEvent> events, CancellationToken ct)
    {
        var newest = events.MaxBy(e => (e.Created, e.Row.StripeEventId))!;
        var asOf = newest.Created;
        // The stored type, not e.Event: parsing a stored event with Stripe.net costs ~0.45 ms, only worth it when the payload is needed.
        var deleted = events.FirstOrDefault(e => e.Row.Type.EndsWith(".deleted", StringComparison.Ordinal));
        switch (target.Kind)
        {
            case TargetKind.Customer:
                var customer = await FetchAsync(() => gateway.GetCustomerAsync(target.Id, ct));
                if ((customer is null || customer.Deleted || deleted is not null) &&
                    (deleted ?? events.Where(e => e.Event.Data.Object is global::Stripe.Customer).MaxBy(e => e.Created))?.Event.Data.Object is global::Stripe.Customer customerPayload)
                {
                    // Stripe answers a deleted customer with a stub: keep what the event last said about it.
                    customer = customerPayload.ToRecord() with { Deleted = true };
                }

                if (customer is not null)
                {
                    await mirror.UpsertCustomerAsync(customer, asOf, ct);
                }

                break;
            case TargetKind.Subscription:
                var subscription = await FetchAsync(() => gateway.GetSubscriptionAsync(target.Id, ct))
                    ?? (newest.Event.Data.Object as global::Stripe.Subscription)?.ToRecord();
                if (subscription is not null)
                {
                    await mirror.UpsertSubscriptionAsync(subscription, asOf, ct);
                }

                foreach (var e in events.OrderBy(e => e.Created).ThenBy(e => e.Row.StripeEventId, StringComparer.Ordinal))
                {
                    if (e.Event.Data.Object is global::Stripe.Subscription carried)
                    {
                        await mirror.RecordHistoryAsync(carried.ToRecord(), e.Created, e.Row.StripeEventId, e.Row.Type, ct);
                    }
                }

                break;
            case TargetKind.Invoice:
                var invoice = await FetchAsync(() => gateway.GetInvoiceAsync(target.Id, ct))
                    ?? (newest.Event.Data.Object as global::Stripe.Invoice)?.ToRecord();
                if (invoice is not null)
                {
                    await mirror.UpsertInvoiceAsync(invoice, asOf, ct);
                }

                break;
            case TargetKind.Price:
                var price = await FetchAsync(() => gateway.GetPriceAsync(target.Id, ct));
                if ((price is null || price.Deleted || deleted is not null) && (deleted ?? newest).Event.Data.Object is global::Stripe.Price pricePayload)
                {
                    price = pricePayload.ToRecord() with { Deleted = true };
                }

                if (price is not null)
                {
                    await mirror.UpsertPriceAsync(price, asOf, ct);
                }

                break;
            case TargetKind.Product:
                var product = await FetchAsync(() => gateway.GetProductAsync(target.Id, ct));
                if ((product is null || product.Deleted || deleted is not null) && (deleted ?? newest).Event.Data.Object is global::Stripe.Product productPayload)
                {
                    product = productPayload.ToRecord() with { Deleted = true };
                }

                if (product is not null)
                {
                    await mirror.UpsertProductAsync(product, asOf, ct);
                }

                break;
        }
    }

    /// <summary>The object as Stripe has it now, or null when Stripe no longer has it (404).</summary>
    private static async Task<T?> FetchAsync<T>(Func<Task<T>> fetch)
        where T : class
    {
        try
        {
            return await fetch();
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
