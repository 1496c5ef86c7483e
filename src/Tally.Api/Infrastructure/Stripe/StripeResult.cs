namespace Tally.Api.Infrastructure.Stripe;

/// <summary>How a Stripe call that can be refused for an expected reason ended.</summary>
internal enum StripeOutcome
{
    Ok,

    /// <summary>Another request with the same idempotency key is still in flight (Stripe's 409).</summary>
    InFlight,

    /// <summary>The idempotency key was used before with other parameters.</summary>
    IdempotencyKeyReused,

    /// <summary>Stripe does not know the object a parameter names (<c>resource_missing</c>).</summary>
    UnknownObject,

    /// <summary>A parameter names an object Stripe will not use here (e.g. a payment method attached elsewhere).</summary>
    InvalidParameter,

    /// <summary>Stripe could not be reached, timed out, or answered 429/5xx: try again later.</summary>
    Unavailable,

    /// <summary>Stripe refused the request for good; <see cref="StripeResult{T}.Code"/> and <see cref="StripeResult{T}.Message"/> say why.</summary>
    Refused,

    /// <summary>The card was declined; <see cref="StripeResult{T}.Code"/> and <see cref="StripeResult{T}.Message"/> are Stripe's, written for the payer.</summary>
    CardDeclined,
}

/// <summary>The outcome of a gateway call: the record when <see cref="Outcome"/> is <see cref="StripeOutcome.Ok"/>.</summary>
internal sealed record StripeResult<T>(StripeOutcome Outcome, T? Value = null, string? Code = null, string? Message = null)
    where T : class
{
    public static StripeResult<T> Ok(T value) => new(StripeOutcome.Ok, value);
}
