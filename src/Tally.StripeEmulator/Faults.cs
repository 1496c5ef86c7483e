namespace Tally.StripeEmulator;

public enum FaultKind
{
    /// <summary>500 <c>api_error</c> with <c>Stripe-Should-Retry: true</c> (Stripe.net retries it).</summary>
    ServerError,

    /// <summary>429 <c>rate_limit</c> (Stripe.net does not retry it).</summary>
    RateLimit,

    /// <summary>The connection is aborted without a response.</summary>
    DropConnection,

    /// <summary>The request waits <see cref="FaultRule.Latency"/> before it is handled.</summary>
    Latency,

    /// <summary>403 <c>permission_error</c>, as for a restricted key without access: a permanent refusal.</summary>
    PermissionDenied,
}

public enum OutageMode
{
    None,

    /// <summary>Every request gets 503 <c>api_error</c>.</summary>
    ServiceUnavailable,

    /// <summary>Every connection is aborted.</summary>
    DropConnection,
}

/// <summary>A fault for requests whose path starts with <see cref="PathPrefix"/>.</summary>
public sealed class FaultRule
{
    public string PathPrefix { get; init; } = "/";

    /// <summary>Only this HTTP method; null = any.</summary>
    public string? Method { get; init; }

    public FaultKind Kind { get; init; } = FaultKind.ServerError;

    /// <summary>How many matching requests it still hits; null = unlimited.</summary>
    public int? Remaining { get; set; }

    /// <summary>Probability per matching request (seeded RNG); 1 = always.</summary>
    public double Rate { get; init; } = 1.0;

    public TimeSpan Latency { get; init; }

    /// <summary>
    /// For <see cref="FaultKind.Latency"/>: the request (already holding its idempotency key) also
    /// waits for this task, so a test decides exactly when it proceeds.
    /// </summary>
    public Task? HoldUntil { get; init; }
}
