using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Webhooks;

/// <summary>A subscription state an event carried, to be recorded in the history at the event's <c>created</c>.</summary>
internal sealed record CarriedState(SubscriptionRecord Subscription, DateTimeOffset Created, string EventId, string EventType);

/// <summary>
/// What the events of one target tell the mirror: <see cref="Current"/> is the object as Stripe has it
/// now (a customer, subscription, invoice, price or product record; null when there is nothing to
/// write), to be written with <see cref="AsOf"/> = the newest event's <c>created</c>.
/// </summary>
internal sealed record ResolvedTarget(WebhookTarget Target, List<ClaimedEvent> Events, object? Current, DateTimeOffset AsOf, IReadOnlyList<CarriedState> History);

/// <summary>
/// Turns the events of one target into mirror changes in two steps: <see cref="ResolveAsync"/> asks
/// Stripe (one re-fetch for the whole group: the current state, whatever order the events came in)
/// and touches no database, so a batch's targets resolve in parallel; <see cref="StageAsync"/>
/// stages the result on a <see cref="MirrorWriter"/>, whose <c>asOf</c> rule keeps an older event
/// from overwriting newer state. Subscription history comes from each event's own payload.
/// </summary>
internal sealed class WebhookApplier(StripeGateway gateway)
{
    public async Task<ResolvedTarget> ResolveAsync(WebhookTarget target, List<ClaimedEvent> events, CancellationToken ct)
    {
        var newest = events.MaxBy(e => (e.Created, e.Row.StripeEventId))!;
        // The stored type, not e.Event: parsing a stored event with Stripe.net costs ~0.45 ms, only worth it when the payload is needed.
        var deleted = events.FirstOrDefault(e => e.Row.Type.EndsWith(".deleted", StringComparison.Ordinal));
        object? current = null;
        IReadOnlyList<CarriedState> history = [];
        switch (target.Kind)
        {
            case TargetKind.Customer:
                var customer = await gateway.GetCustomerAsync(target.Id, ct);
                if ((customer is null || customer.Deleted || deleted is not null) &&
                    (deleted ?? events.Where(e => e.Carried is CustomerRecord).MaxBy(e => e.Created))?.Carried is CustomerRecord customerPayload)
                {
                    // Stripe answers a deleted customer with a stub: keep what the event last said about it.
                    customer = customerPayload with { Deleted = true };
                }

                current = customer;
                break;
            case TargetKind.Subscription:
                current = await gateway.GetSubscriptionAsync(target.Id, ct) ?? newest.Carried as SubscriptionRecord;
                history = CarriedHistory(events);
                break;
            case TargetKind.Invoice:
                current = await gateway.GetInvoiceAsync(target.Id, ct) ?? newest.Carried as InvoiceRecord;
                break;
            case TargetKind.Price:
                var price = await gateway.GetPriceAsync(target.Id, ct);
                if ((price is null || price.Deleted || deleted is not null) && (deleted ?? newest).Carried is PriceRecord pricePayload)
                {
                    price = pricePayload with { Deleted = true };
                }

                current = price;
                break;
            case TargetKind.Product:
                var product = await gateway.GetProductAsync(target.Id, ct);
                if ((product is null || product.Deleted || deleted is not null) && (deleted ?? newest).Carried is ProductRecord productPayload)
                {
                    product = productPayload with { Deleted = true };
                }

                current = product;
                break;
        }

        return new ResolvedTarget(target, events, current, newest.Created, history);
    }

    /// <summary>The subscription states the events carried, oldest first: history needs no re-fetch, so it is recorded even while Stripe is down.</summary>
    public static List<CarriedState> CarriedHistory(IEnumerable<ClaimedEvent> events) =>
        events.Where(e => e.Carried is SubscriptionRecord)
            .Select(e => new CarriedState((SubscriptionRecord)e.Carried!, e.Created, e.Row.StripeEventId, e.Row.Type))
            .OrderBy(h => h.Created).ThenBy(h => h.EventId, StringComparer.Ordinal).ToList();

    /// <summary>Stages the resolved changes on <paramref name="mirror"/> (not saved).</summary>
    public static async Task StageAsync(MirrorWriter mirror, ResolvedTarget resolved, CancellationToken ct)
    {
        switch (resolved.Current)
        {
            case CustomerRecord customer:
                await mirror.UpsertCustomerAsync(customer, resolved.AsOf, ct);
                break;
            case SubscriptionRecord subscription:
                await mirror.UpsertSubscriptionAsync(subscription, resolved.AsOf, ct);
                break;
            case InvoiceRecord invoice:
                await mirror.UpsertInvoiceAsync(invoice, resolved.AsOf, ct);
                break;
            case PriceRecord price:
                await mirror.UpsertPriceAsync(price, resolved.AsOf, ct);
                break;
            case ProductRecord product:
                await mirror.UpsertProductAsync(product, resolved.AsOf, ct);
                break;
        }

        foreach (var carried in resolved.History)
        {
            await mirror.RecordHistoryAsync(carried.Subscription, carried.Created, carried.EventId, carried.EventType, ct);
        }
    }

    /// <summary>What a batch's writes will read, for <see cref="MirrorWriter.PreloadAsync"/>.</summary>
    public static MirrorKeys KeysOf(IEnumerable<ResolvedTarget> batch)
    {
        var keys = new MirrorKeys();
        foreach (var resolved in batch)
        {
            if (resolved.Current is { } current)
            {
                keys.Add(current);
            }

            foreach (var carried in resolved.History)
            {
                keys.Subscriptions.Add(carried.Subscription.Id);
            }
        }

        return keys;
    }
}
