using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Tests.Support;

/// <summary>
/// <see cref="UsageTallyFactory"/> with Tally's tracing (the sources and instrumentation OTLP export
/// uses) sending its spans to OpenTelemetry's in-memory exporter. Activity listeners are process-wide:
/// spans of other test hosts may land here too, so tests pick theirs by trace id.
/// </summary>
public sealed class TracingUsageTallyFactory : UsageTallyFactory
{
    private readonly List<Activity> exported = [];

    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (exported)
            {
                return [.. exported];
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddOpenTelemetry()
            .WithTracing(tracing => TelemetryRegistration.Tracing(tracing).AddProcessor(new SimpleActivityExportProcessor(new ListExporter(exported)))));
    }

    /// <summary>The in-memory exporter's idea, with a lock: the exporter is called from the threads that end spans.</summary>
    private sealed class ListExporter(List<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            lock (spans)
            {
                foreach (var span in batch)
                {
                    spans.Add(span);
                }
            }

            return ExportResult.Success;
        }
    }
}
