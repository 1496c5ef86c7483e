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

/// <summary>A claimed inbox row with its parsed event.</summary>
internal sealed record ClaimedEvent(WebhookEvent Row, Event Event)
{
    public DateTimeOffset Created => Infrastructure.Stripe.StripeMapping.Utc(Event.Created);
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
