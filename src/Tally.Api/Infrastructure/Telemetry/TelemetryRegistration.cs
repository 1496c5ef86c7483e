using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tally.Api.Infrastructure.Telemetry;

/// <summary>
/// The OpenTelemetry SDK, only when something consumes it (<see cref="TelemetrySettings"/>): metrics
/// (Tally's meter, ASP.NET Core, HttpClient, Npgsql, the runtime) to a Prometheus scrape address of
/// their own and/or OTLP; traces (Tally's spans, ASP.NET Core, HttpClient, Npgsql) to OTLP.
/// </summary>
internal static class TelemetryRegistration
{
    public const string ServiceName = "tally";

    public static void AddTallyTelemetry(this WebApplicationBuilder builder, TelemetrySettings settings)
    {
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<TallyMetrics>();
        builder.Services.AddTransient<StripeTelemetryHandler>();
        if (!settings.MetricsEnabled && !settings.TracingEnabled)
        {
            return;
        }

        var otel = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(ServiceName));
        otel.WithMetrics(metrics =>
        {
            Metrics(metrics);
            if (settings.MetricsUrl is { } url)
            {
                metrics.AddPrometheusHttpListener(o => (o.Host, o.Port) = (url.Host, url.Port));
            }

            if (settings.OtlpEndpoint is not null)
            {
                // The SDK reads OTEL_EXPORTER_OTLP_* itself (and appends /v1/metrics for http/protobuf).
                metrics.AddOtlpExporter();
            }
        });
        if (settings.TracingEnabled)
        {
            otel.WithTracing(tracing => Tracing(tracing).AddOtlpExporter());
        }
    }

    /// <summary>The meters Tally exports (also used by tests with an in-memory exporter).</summary>
    public static MeterProviderBuilder Metrics(MeterProviderBuilder metrics) => metrics
        .AddMeter(TallyMetrics.MeterName, "Npgsql")
        .AddAspNetCoreInstrumentation()
        .AddHttpClientInstrumentation()
        .AddRuntimeInstrumentation();

    /// <summary>The span sources Tally exports (also used by tests with an in-memory exporter).</summary>
    public static TracerProviderBuilder Tracing(TracerProviderBuilder tracing) => tracing
        .AddSource(TallyMetrics.MeterName)
        .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz") && !http.Request.Path.StartsWithSegments("/readyz"))
        .AddHttpClientInstrumentation()
        .AddNpgsql();
}
