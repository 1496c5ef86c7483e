using Stripe;

namespace Tally.Api.Features.Webhooks;

internal enum TargetKind
{
    Product,
    Price,
    Customer,
    Subscription,
    Invoice,
}

/// <summary>The mirror object an event is about: events of one target are handled together, in one transaction.</summary>
internal readonly record struct WebhookTarget(TargetKind Kind, string Id);

/// <summary>
/// A claimed inbox row. Its event is parsed on first use only: Stripe.net's typed parse costs about
/// 0.6 ms, and most events (an invoice's four, say) need nothing from the payload but its object id.
/// </summary>
internal sealed class ClaimedEvent(WebhookEvent row)
{
    private Event? parsed;

    public WebhookEvent Row { get; } = row;

    public DateTimeOffset Created => Row.StripeCreated;

    // Verified at intake, where the API version was checked too.
    public Event Event => parsed ??= EventUtility.ParseEvent(Row.Payload, throwOnApiVersionMismatch: false);
}

internal static class WebhookTargets
{
    private static readonly HashSet<string> Handled =
    [
        "customer.created", "customer.updated", "customer.deleted",
        "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
        "customer.subscription.paused", "customer.subscription.resumed",
        "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_failed", "invoice.payment_succeeded",
        "invoice.updated", "invoice.voided", "invoice.marked_uncollectible",
        "price.created", "price.updated", "price.deleted",
        "product.created", "product.updated", "product.deleted",
        "payment_method.attached",
    ];

    public static bool Handles(string type) => Handled.Contains(type);

    /// <summary>What the event is about, from the stored type and object id when they tell (no parse needed).</summary>
    public static WebhookTarget? Of(ClaimedEvent e)
    {
        var (type, id) = (e.Row.Type, e.Row.ObjectId);
        TargetKind? kind = type switch
        {
            _ when id is null => null,
            _ when type.StartsWith("customer.subscription.", StringComparison.Ordinal) => TargetKind.Subscription,
            _ when type.StartsWith("customer.", StringComparison.Ordinal) => TargetKind.Customer,
            _ when type.StartsWith("invoice.", StringComparison.Ordinal) => TargetKind.Invoice,
            _ when type.StartsWith("price.", StringComparison.Ordinal) => TargetKind.Price,
            _ when type.StartsWith("product.", StringComparison.Ordinal) => TargetKind.Product,
            _ => null,
        };
        return kind is { } k ? new WebhookTarget(k, id!) : Of(e.Event);
    }

    /// <summary>What the event is about, or null when it carries nothing Tally mirrors (then it is ignored).</summary>
    public static WebhookTarget? Of(Event evt) => evt.Data?.Object switch
    {
        global::Stripe.Subscription s when evt.Type.StartsWith("customer.subscription.", StringComparison.Ordinal) => new(TargetKind.Subscription, s.Id),
        global::Stripe.Customer c => new(TargetKind.Customer, c.Id),
        global::Stripe.Invoice i when i.Id is not null => new(TargetKind.Invoice, i.Id),
        global::Stripe.Price p => new(TargetKind.Price, p.Id),
        global::Stripe.Product p => new(TargetKind.Product, p.Id),
        // An attached payment method changes the customer's state: refresh the customer.
        PaymentMethod pm when pm.CustomerId is not null => new(TargetKind.Customer, pm.CustomerId),
        _ => null,
    };
}
