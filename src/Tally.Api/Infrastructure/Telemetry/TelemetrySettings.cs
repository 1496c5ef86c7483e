using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Infrastructure.Telemetry;

/// <summary>
/// Where telemetry goes: the Prometheus scrape address (<c>TALLY_METRICS_URLS</c>, off by default so
/// metrics are never public by accident) and OTLP export (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, the
/// OpenTelemetry SDK's own variable; Tally only checks it). Neither set: no telemetry SDK at all.
/// </summary>
internal sealed record TelemetrySettings(Uri? MetricsUrl, Uri? OtlpEndpoint)
{
    public const string MetricsVariable = "TALLY_METRICS_URLS";
    public const string OtlpVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public bool MetricsEnabled => MetricsUrl is not null || OtlpEndpoint is not null;

    public bool TracingEnabled => OtlpEndpoint is not null;

    public static TelemetrySettings Load(IConfiguration configuration, ConfigurationProblems problems)
    {
        Uri? metrics = null;
        if (configuration.NonEmpty(MetricsVariable) is { } url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.Host.Length > 0
                && url.Contains($":{uri.Port}", StringComparison.Ordinal) && uri.AbsolutePath == "/" && uri.Query.Length == 0)
            {
                metrics = uri;
            }
            else
            {
                problems.Add(MetricsVariable, $"'{url}' is not an address to serve metrics on; expected http://HOST:PORT (e.g. http://127.0.0.1:9464).");
            }
        }

        Uri? otlp = null;
        if (configuration.NonEmpty(OtlpVariable) is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
            {
                otlp = uri;
            }
            else
            {
                problems.Add(OtlpVariable, "expected an http:// or https:// URL of an OTLP collector (e.g. http://127.0.0.1:4317).");
            }
        }

        return new TelemetrySettings(metrics, otlp);
    }
}
