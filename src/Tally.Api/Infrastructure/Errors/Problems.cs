using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tally.Api.Infrastructure.Errors;

/// <summary>RFC 7807 answers with Tally's stable snake_case <c>code</c> extension.</summary>
internal static class Problems
{
    public static ProblemHttpResult Result(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var ext = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, extensions: ext);
    }

    public static ProblemHttpResult NotFound(string code, string detail) => Result(StatusCodes.Status404NotFound, code, detail);

    public static ProblemHttpResult Conflict(string code, string detail) => Result(StatusCodes.Status409Conflict, code, detail);

    /// <summary>The seed's troubleshooting answer, shared by every endpoint that needs the caller's Stripe customer.</summary>
    public static ProblemHttpResult NoStripeCustomer() => NotFound("no_stripe_customer", "User has no Stripe customer");

    /// <summary>A 400 that names the offending field, as <c>errors: {field: [message]}</c>.</summary>
    public static ProblemHttpResult Validation(string field, string message) =>
        Result(StatusCodes.Status400BadRequest, "validation_failed", $"{field}: {message}",
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });

    public static async Task WriteAsync(HttpContext http, int status, string code, string detail)
    {
        http.Response.StatusCode = status;
        var service = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail, Extensions = { ["code"] = code } },
        });
    }

    /// <summary>The default code for a status that no handler described more precisely.</summary>
    public static string DefaultCode(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_entity",
        429 => "too_many_requests",
        502 => "bad_gateway",
        503 => "service_unavailable",
        _ when status >= 500 => "internal_error",
        _ => "error",
    };
}
