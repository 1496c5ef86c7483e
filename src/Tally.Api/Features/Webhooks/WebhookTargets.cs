using Tally.Api.Infrastructure.Stripe;

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
    private object? carried;
    private bool read;

    public WebhookEvent Row { get; } = row;

    public DateTimeOffset Created => Row.StripeCreated;

    /// <summary>The object the event carries, as a Stripe record (see <see cref="StripeWebhooks.ReadObject"/>).</summary>
    /// <exception cref="UnreadableEventException">The stored payload is not a readable Stripe event.</exception>
    public object? Carried
    {
        get
        {
            if (!read)
            {
                carried = StripeWebhooks.ReadObject(Row.Payload);
                read = true;
            }

            return carried;
        }
    }
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
        return kind is { } k ? new WebhookTarget(k, id!) : Of(e.Carried);
    }

    /// <summary>What the event is about, or null when it carries nothing Tally mirrors (then it is ignored).</summary>
    private static WebhookTarget? Of(object? carried) => carried switch
    {
        SubscriptionRecord s => new(TargetKind.Subscription, s.Id),
        CustomerRecord c => new(TargetKind.Customer, c.Id),
        InvoiceRecord i => new(TargetKind.Invoice, i.Id),
        PriceRecord p => new(TargetKind.Price, p.Id),
        ProductRecord p => new(TargetKind.Product, p.Id),
        // An attached payment method changes the customer's state: refresh the customer.
        PaymentMethodOwnerRecord pm => new(TargetKind.Customer, pm.CustomerId),
        _ => null,
    };
}
