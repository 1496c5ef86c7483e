using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Tally.Api.Infrastructure.Telemetry;

/// <summary>
/// On Stripe.net's HttpClient: one <c>stripe {operation}</c> span and one <c>tally.stripe.call.duration</c>
/// measurement per HTTP attempt (Stripe.net's own retries are attempts of their own). The operation is
/// the method and path with object ids replaced (<c>GET /v1/customers/{id}</c>); nothing of the body,
/// the query or the key is recorded.
/// </summary>
internal sealed partial class StripeTelemetryHandler(TallyMetrics metrics, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = $"{request.Method.Method} {Operation(request.RequestUri)}";
        using var span = TallyTelemetry.Source.StartActivity($"stripe {operation}", ActivityKind.Internal);
        span?.SetTag("tally.stripe.operation", operation);
        var started = clock.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var outcome = status switch
            {
                < 400 => "ok",
                429 => "rate_limited",
                < 500 => "client_error",
                _ => "server_error",
            };
            span?.SetTag("http.response.status_code", status);
            if (status >= 400)
            {
                span?.SetStatus(ActivityStatusCode.Error, outcome);
            }

            metrics.StripeCall(operation, outcome, status, clock.GetElapsedTime(started));
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            var outcome = ex is TaskCanceledException ? "timeout" : "unreachable";
            span?.SetStatus(ActivityStatusCode.Error, outcome);
            metrics.StripeCall(operation, outcome, null, clock.GetElapsedTime(started));
            throw;
        }
    }

    /// <summary>The path with Stripe object ids (<c>cus_...</c>, <c>sub_...</c>: a prefix, then letters and digits with a capital or a digit among them) and numbers replaced by <c>{id}</c>.</summary>
    internal static string Operation(Uri? uri) =>
        uri is null ? "?" : string.Join('/', uri.AbsolutePath.Split('/').Select(s => IdSegment().IsMatch(s) ? "{id}" : s));

    [GeneratedRegex(@"^([a-z]+_(?=[A-Za-z0-9]*[A-Z0-9])[A-Za-z0-9]+|[0-9]+)$")]
    private static partial Regex IdSegment();
}

/// <summary>Tally's <see cref="ActivitySource"/> (named like the meter): spans per flush batch, webhook batch, Stripe call.</summary>
internal static class TallyTelemetry
{
    public static readonly ActivitySource Source = new(TallyMetrics.MeterName);

    /// <summary>The current span's W3C <c>traceparent</c> while Tally's spans are exported; null otherwise (nothing is stored for nothing).</summary>
    public static string? CurrentTraceParent() =>
        Source.HasListeners() && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;
}
