using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>The narrow view billing has of the core: catalog lookups, ids, time and events.</summary>
internal interface IBillingHost
{
    DateTimeOffset RealNow { get; }

    /// <summary>What a subscription becomes when all retries of a failed invoice have failed.</summary>
    FailedPaymentOutcome AfterFailedRetries { get; }

    /// <summary>Absolute base URL of this emulator (no trailing slash), for invoice_pdf/hosted_invoice_url.</summary>
    string PublicBaseUrl { get; }

    /// <summary>The account id used in public invoice URLs.</summary>
    string AccountId { get; }

    string NewId(string prefix);

    CustomerInfo? FindCustomer(string id);

    PaymentMethodInfo? FindPaymentMethod(string id);

    PriceInfo? FindPrice(string id);

    CouponInfo? FindCoupon(string id);

    /// <summary>The stored JSON of a catalog object (price, coupon, customer...), or null.</summary>
    JsonObject? CatalogJson(string id);

    /// <summary>Mirrors a test clock's frozen time into the core (customer validation, Now(customer)).</summary>
    void SetClock(string clockId, long frozenTime);

    void RemoveClock(string clockId);

    void Emit(string type, JsonObject dataObject, JsonObject? previousAttributes, long created);
}

/// <summary>A Stripe-shaped API error raised by billing logic; the endpoint layer renders it.</summary>
internal sealed class BillingException(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error", string? declineCode = null)
    : Exception(message)
{
    /// <summary>Sent as <c>Stripe-Should-Retry</c> when set (Stripe says "false" on a duplicate meter event identifier).</summary>
    public bool? ShouldRetry { get; init; }

    public int Status { get; } = status;
    public string? Param { get; } = param;
    public string? Code { get; } = code;
    public string Type { get; } = type;
    public string? DeclineCode { get; } = declineCode;

    public static BillingException Missing(string param) =>
        new(400, $"Missing required param: {param}.", param, "parameter_missing");

    public static BillingException NoSuch(string what, string id, string param = "id") =>
        new(404, $"No such {what}: '{id}'", param, "resource_missing");

    public static BillingException Invalid(string param, string message) =>
        new(400, message, param);
}
