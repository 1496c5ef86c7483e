using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// A Stripe API error. Handlers throw it; the pipeline turns it into
/// <c>{"error":{"type","code","message","param",...}}</c> with <see cref="Status"/>.
/// </summary>
internal sealed class StripeError(int status, string type, string message, string? code = null, string? param = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;
    public string? DeclineCode { get; init; }
    public string? PaymentMethodId { get; init; }
    public bool? ShouldRetry { get; init; }

    public static StripeError Invalid(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", message, code, param);

    public static StripeError Missing(string param) =>
        new(400, "invalid_request_error", $"Missing required param: {param}.", "parameter_missing", param);

    /// <summary>404 for the object named in the URL.</summary>
    public static StripeError NotFound(string resource, string id) =>
        new(404, "invalid_request_error", $"No such {resource}: '{id}'", "resource_missing", "id");

    /// <summary>400 for a missing object named by a parameter (e.g. <c>customer=cus_x</c>).</summary>
    public static StripeError NoSuchParam(string resource, string id, string param) =>
        new(400, "invalid_request_error", $"No such {resource}: '{id}'", "resource_missing", param);

    public static StripeError Card(string code, string? declineCode, string message, string? param = null) =>
        new(402, "card_error", message, code, param) { DeclineCode = declineCode };

    public JsonObject ToJson(string? requestId)
    {
        var error = new JsonObject
        {
            ["type"] = Type,
            ["message"] = Message,
        };
        if (Code is not null)
        {
            error["code"] = Code;
        }

        if (Param is not null)
        {
            error["param"] = Param;
        }

        if (DeclineCode is not null)
        {
            error["decline_code"] = DeclineCode;
        }

        if (Code is not null)
        {
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{Code.Replace('_', '-')}";
        }

        if (PaymentMethodId is not null)
        {
            error["payment_method"] = new JsonObject { ["id"] = PaymentMethodId, ["object"] = "payment_method" };
        }

        if (requestId is not null)
        {
            error["request_log_url"] = $"https://dashboard.stripe.com/test/logs/{requestId}";
        }

        return new JsonObject { ["error"] = error };
    }
}
