using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Infrastructure.Errors;

internal static class ErrorHandling
{
    /// <summary>Largest request body accepted anywhere (the usage batch of 1,000 events fits easily).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static void AddTallyErrors(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            c.ProblemDetails.Extensions.TryAdd("code", Problems.DefaultCode(status));
            c.ProblemDetails.Detail ??= c.ProblemDetails.Title;
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions.Remove("exception");
            // trace_id is the bare W3C trace id (what a trace store is searched by), not ASP.NET Core's whole traceparent.
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
            {
                c.ProblemDetails.Extensions["trace_id"] = activity.TraceId.ToHexString();
            }

            // Every answer has a type: the status's section of RFC 9110 (ASP.NET Core knows most; 402, 413 and 429 it does not).
            c.ProblemDetails.Type ??= status switch
            {
                402 => "https://tools.ietf.org/html/rfc9110#section-15.5.3",
                413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
                429 => "https://tools.ietf.org/html/rfc6585#section-4",
                _ => "about:blank",
            };
        });
        builder.Services.AddExceptionHandler<TallyExceptionHandler>();
    }

    public static void UseTallyErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Refuse an oversized body before anything reads it (Kestrel also enforces the limit on chunked bodies).
        app.Use((http, next) => http.Request.ContentLength > MaxRequestBodyBytes
            ? Problems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "payload_too_large",
                $"The request body exceeds {MaxRequestBodyBytes} bytes.")
            : next(http));
    }
}

/// <summary>Maps the few exceptions Tally expects to problem answers; everything else is a bare 500.</summary>
internal sealed partial class TallyExceptionHandler(IProblemDetailsService problems, ILogger<TallyExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail, errors) = Describe(exception);
        if (!StripeErrors.TryLog(logger, exception, http.Request.Method, http.Request.Path) && status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        }

        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = detail, Extensions = { ["code"] = code } };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static (int Status, string Code, string Detail, Dictionary<string, string[]>? Errors) Describe(Exception exception)
    {
        if (StripeErrors.Problem(exception) is var (stripeStatus, stripeCode, stripeDetail))
        {
            return (stripeStatus, stripeCode, stripeDetail, null);
        }

        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                var field = JsonField(json.Path);
                return (400, "invalid_json", $"The request body is not valid JSON for this endpoint{(field is null ? "" : $" (at '{field}')")}.",
                    field is null ? null : new() { [field] = ["Invalid value."] });
            case BadHttpRequestException bad when bad.StatusCode == 413:
                return (413, "payload_too_large", $"The request body exceeds {ErrorHandling.MaxRequestBodyBytes} bytes.", null);
            case BadHttpRequestException bad when bad.StatusCode == 415:
                return (415, "unsupported_media_type", "The request body must be application/json.", null);
            case BadHttpRequestException { StatusCode: 400 } bad when BindingFailure(bad.Message) is var (param, reason):
                return (400, "validation_failed", $"{param}: {reason}", new() { [param] = [reason] });
            case BadHttpRequestException bad:
                return (bad.StatusCode, Problems.DefaultCode(bad.StatusCode), BindingDetail(bad.Message), null);
            case HttpRequestException:
                return (502, "stripe_unavailable", "Stripe could not be reached; try again shortly.", null);
            case DbUpdateConcurrencyException:
                return (409, "concurrency_conflict", "The resource was changed by another request; read it again and retry.", null);
            default:
                return (500, "internal_error", "An unexpected error occurred. It has been logged.", null);
        }
    }

    /// <summary>Turns System.Text.Json's <c>$.events[2].quantity</c> into <c>events[2].quantity</c>.</summary>
    private static string? JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? null : path.TrimStart('$').TrimStart('.');

    /// <summary>
    /// Names the parameter that failed to bind, without passing the framework's message (or the value it
    /// quotes) on: its messages read <c>Failed to bind parameter "int? limit" from "many".</c>.
    /// </summary>
    private static string BindingDetail(string message) =>
        ParameterName().Match(message) is { Success: true } m
            ? $"The parameter '{m.Groups["name"].Value}' is missing or not valid for this endpoint."
            : "The request is not valid for this endpoint.";

    /// <summary>
    /// A parameter that is missing or does not convert, as the field (in the API's snake_case) and what
    /// it must be; the framework's own text (which quotes the value and C# types) is not passed on.
    /// </summary>
    private static (string Name, string Reason)? BindingFailure(string message)
    {
        if (BodyMissing().IsMatch(message))
        {
            return ("body", "a JSON body is required.");
        }

        if (BindFailed().Match(message) is { Success: true } failed)
        {
            // The type reads "int?", "Nullable<long>", "DateTimeOffset?" and the like.
            var type = failed.Groups["type"].Value.ToLowerInvariant();
            return (Snake(failed.Groups["name"].Value),
                type.Contains("date", StringComparison.Ordinal) ? "must be a date or date-time (ISO 8601)."
                : type.Contains("int", StringComparison.Ordinal) || type.Contains("long", StringComparison.Ordinal) ? "must be a whole number."
                : type.Contains("decimal", StringComparison.Ordinal) || type.Contains("double", StringComparison.Ordinal) ? "must be a number."
                : type.Contains("bool", StringComparison.Ordinal) ? "must be true or false."
                : "is not valid.");
        }

        return RequiredMissing().Match(message) is { Success: true } missing
            ? (Snake(missing.Groups["name"].Value), "is required.")
            : null;
    }

    private static string Snake(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    [System.Text.RegularExpressions.GeneratedRegex("^(Implicit body inferred for parameter|Required parameter \"[^\"]*\" was not provided from body)")]
    private static partial System.Text.RegularExpressions.Regex BodyMissing();

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?<type>[^\" ]+) (?<name>\\w+)\" from")]
    private static partial System.Text.RegularExpressions.Regex BindFailed();

    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \"(?<type>[^\" ]+) (?<name>\\w+)\" was not provided")]
    private static partial System.Text.RegularExpressions.Regex RequiredMissing();

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"[^\"]*?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex ParameterName();
}
