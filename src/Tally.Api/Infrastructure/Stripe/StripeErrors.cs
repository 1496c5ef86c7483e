using System.Net;
using Stripe;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>Stripe's state is not what Tally needs to go on (an object it stored is gone): answered as 502 <c>stripe_error</c>.</summary>
internal sealed class StripeStateException(string message) : Exception(message);

/// <summary>The one place that reads Stripe.net's exceptions: what a failure means for an answer or a log line.</summary>
internal static class StripeErrors
{
    public static bool IsNotFound(StripeException ex) => ex.HttpStatusCode == HttpStatusCode.NotFound || ex.StripeError?.Code == "resource_missing";

    /// <summary>Stripe could not be reached or answered 5xx/429: worth trying again later.</summary>
    public static bool IsTransient(StripeException ex) =>
        ex.HttpStatusCode is 0 or >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests;

    /// <summary>An HTTP attempt to Stripe ran past <c>TALLY_STRIPE_TIMEOUT_SECONDS</c> (HttpClient's timeout, not a caller's cancellation).</summary>
    public static bool IsTimeout(Exception ex) => ex is TaskCanceledException { InnerException: TimeoutException };

    /// <summary>
    /// A failure that waiting can cure: Stripe unreachable, timed out, 5xx or 429. Anything else (a 4xx,
    /// a bug, bad data) is permanent: retrying it the same way gives the same answer.
    /// </summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        StripeException s => IsTransient(s),
        HttpRequestException or IOException or TimeoutException => true,
        _ when IsTimeout(ex) => true,
        System.Data.Common.DbException { IsTransient: true } => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>The problem answer for a Stripe failure that reached the request pipeline; null when <paramref name="exception"/> is not one.</summary>
    public static (int Status, string Code, string Detail)? Problem(Exception exception) => exception switch
    {
        // Stripe's card messages are written for the payer ("Your card was declined.").
        StripeException { StripeError.Type: "card_error" } card => (402, card.StripeError.Code ?? "card_declined", card.StripeError.Message ?? "The card was declined."),
        StripeException stripe when IsTransient(stripe) => (502, "stripe_unavailable", "Stripe could not be reached or did not answer; try again shortly."),
        StripeException or StripeStateException => (502, "stripe_error", "Stripe refused the request."),
        _ when IsTimeout(exception) => (502, "stripe_unavailable", "Stripe did not answer in time; try again shortly."),
        _ => null,
    };

    /// <summary>Logs a failed Stripe call with Stripe's status, code and request id (never the request or the object).</summary>
    public static bool TryLog(ILogger logger, Exception exception, string method, string path)
    {
        if (exception is not StripeException stripe)
        {
            return false;
        }

        logger.LogWarning("Stripe call failed on {Method} {Path}: {StripeStatus} {StripeCode} (request {StripeRequestId})",
            method, path, (int)stripe.HttpStatusCode, stripe.StripeError?.Code, stripe.StripeResponse?.RequestId);
        return true;
    }

    /// <summary>What went wrong, for a stored <c>last_error</c> and the logs: Stripe's error code and message; null when not a Stripe failure.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        StripeException s => $"Stripe answered {(int)s.HttpStatusCode} {s.StripeError?.Type} {s.StripeError?.Code}: {s.StripeError?.Message ?? "no message"}",
        _ when IsTimeout(exception) => "Stripe did not answer in time (timed out)",
        _ => null,
    };
}
