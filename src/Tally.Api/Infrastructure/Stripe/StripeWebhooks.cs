using Stripe;

namespace Tally.Api.Infrastructure.Stripe;

internal enum SignatureCheck
{
    Valid,

    /// <summary>The header does not match the body and the secret (or is malformed).</summary>
    Invalid,

    /// <summary>Correctly signed, but the timestamp is outside the tolerance (a replay, or a clock far off).</summary>
    Stale,
}

/// <summary>Record of the customer a <c>payment_method.*</c> event is about (its own state is not mirrored).</summary>
internal sealed record PaymentMethodOwnerRecord(string CustomerId);

/// <summary>Raised for a stored event whose payload Stripe.net cannot read.</summary>
internal sealed class UnreadableEventException(Exception inner) : Exception("The stored payload is not a readable Stripe event.", inner);

/// <summary>Stripe.net's webhook helpers, answering with outcomes and Tally's records.</summary>
internal static class StripeWebhooks
{
    /// <summary>
    /// The same signature and timestamp check as <c>EventUtility.ConstructEvent</c> (which calls it),
    /// without its full typed parse of the event. Stripe.net throws one exception type for every
    /// failure, so a refused header is checked once more with no time limit to tell a bad signature
    /// from a stale one (only on that path: a valid event costs one HMAC of its body).
    /// </summary>
    public static SignatureCheck Verify(string json, string header, string secret, long toleranceSeconds) =>
        Passes(json, header, secret, toleranceSeconds) ? SignatureCheck.Valid
        : Passes(json, header, secret, long.MaxValue) ? SignatureCheck.Stale
        : SignatureCheck.Invalid;

    private static bool Passes(string json, string header, string secret, long toleranceSeconds)
    {
        try
        {
            EventUtility.ValidateSignature(json, header, secret, toleranceSeconds);
            return true;
        }
        catch (StripeException)
        {
            return false;
        }
    }

    /// <summary>Whether an event of this API version can be read by Stripe.net (the same release train).</summary>
    public static bool IsCompatibleApiVersion(string apiVersion) => EventUtility.IsCompatibleApiVersion(apiVersion);

    /// <summary>
    /// The object a stored (verified) event carries, as Tally's record: a customer, subscription,
    /// invoice, price or product record, or a <see cref="PaymentMethodOwnerRecord"/>; null when it
    /// carries nothing Tally mirrors. Stripe.net's typed parse costs about 0.6 ms: call it only when needed.
    /// </summary>
    /// <exception cref="UnreadableEventException">The payload is not a readable Stripe event.</exception>
    public static object? ReadObject(string payload)
    {
        Event evt;
        try
        {
            // Verified at intake, where the API version was checked too.
            evt = EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false);
        }
        catch (Exception ex) when (ex is StripeException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new UnreadableEventException(ex);
        }

        return evt.Data?.Object switch
        {
            global::Stripe.Subscription s when evt.Type.StartsWith("customer.subscription.", StringComparison.Ordinal) => s.ToRecord(),
            global::Stripe.Customer c => c.ToRecord(),
            global::Stripe.Invoice i when i.Id is not null => i.ToRecord(),
            Price p => p.ToRecord(),
            Product p => p.ToRecord(),
            PaymentMethod pm when pm.CustomerId is not null => new PaymentMethodOwnerRecord(pm.CustomerId),
            _ => null,
        };
    }
}
