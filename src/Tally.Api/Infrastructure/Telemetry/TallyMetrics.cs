using System.Diagnostics.Metrics;

namespace Tally.Api.Infrastructure.Telemetry;

/// <summary>
/// Tally's own instruments, on one <see cref="Meter"/> named <c>Tally</c>, created once (a singleton):
/// features record through them and hand the gauges their current values. Names and units follow
/// OpenTelemetry's semantic conventions (dotted lowercase names, UCUM units, <c>error.type</c>); the
/// README's metrics table lists them with their Prometheus names.
/// </summary>
internal sealed class TallyMetrics
{
    public const string MeterName = "Tally";
    public const string Outcome = "tally.outcome";
    public const string ErrorType = "error.type";

    /// <summary>OpenTelemetry's HTTP duration buckets (seconds); the SDK's default ones are meant for milliseconds.</summary>
    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] };

    private readonly TimeProvider clock;
    private readonly Counter<long> usageReports;
    private readonly Counter<long> usageLate;
    private readonly Histogram<double> flushDuration;
    private readonly Counter<long> meterEvents;
    private readonly Histogram<double> stripeCalls;
    private readonly Counter<long> webhooksReceived;
    private readonly Counter<long> webhooksProcessed;
    private readonly Counter<long> webhooksFailed;
    private readonly Histogram<double> revenueDuration;
    private Func<int>? usageQueueDepth;
    private (long Pending, DateTimeOffset? Oldest)? usageBacklog;
    private (bool Known, DateTimeOffset? Oldest) webhookInbox;

    public TallyMetrics(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(MeterName);
        usageReports = meter.CreateCounter<long>("tally.usage.reports", "{report}",
            "Usage reports answered, by tally.outcome (accepted, duplicate, rejected) and, when rejected, error.type (the problem code).");
        usageLate = meter.CreateCounter<long>("tally.usage.late", "{record}", "Usage records stored as late (their period's invoice was closed).");
        flushDuration = meter.CreateHistogram<double>("tally.usage.flush.duration", "s", "Duration of one usage flush (batching the pending records, sending the due batches).", tags: null, advice: Seconds);
        meterEvents = meter.CreateCounter<long>("tally.usage.meter_events", "{event}",
            "Meter events sent to Stripe, by tally.outcome (sent, failed) and, when failed, error.type (unavailable, refused).");
        stripeCalls = meter.CreateHistogram<double>("tally.stripe.call.duration", "s",
            "Duration of each HTTP attempt to Stripe, by tally.stripe.operation and tally.outcome (ok, client_error, rate_limited, server_error, unreachable, timeout).", tags: null, advice: Seconds);
        webhooksReceived = meter.CreateCounter<long>("tally.webhook.events.received", "{event}", "Verified Stripe events stored in the inbox (a redelivery is not counted again).");
        webhooksProcessed = meter.CreateCounter<long>("tally.webhook.events.processed", "{event}", "Stripe events written to the mirror.");
        webhooksFailed = meter.CreateCounter<long>("tally.webhook.events.failed", "{event}",
            "Failed processing attempts of Stripe events, by error.type (transient, permanent, unreadable).");
        revenueDuration = meter.CreateHistogram<double>("tally.revenue.query.duration", "s", "Duration of a revenue request, by http.route.", tags: null, advice: Seconds);
        meter.CreateObservableGauge("tally.usage.queue.depth", () => usageQueueDepth is { } depth ? [new Measurement<int>(depth())] : Array.Empty<Measurement<int>>(),
            "{report}", "Usage reports waiting to be written to the ledger (this instance).");
        meter.CreateObservableGauge("tally.usage.pending", () => usageBacklog is { } b ? [new Measurement<long>(b.Pending)] : Array.Empty<Measurement<long>>(),
            "{record}", "Stored usage records not yet delivered to Stripe, as of this instance's last flush.");
        meter.CreateObservableGauge("tally.usage.pending.oldest_age", () => usageBacklog is { } b ? [new Measurement<double>(Age(b.Oldest))] : Array.Empty<Measurement<double>>(),
            "s", "Age of the oldest undelivered usage record (0 when none), as of this instance's last flush.");
        meter.CreateObservableGauge("tally.webhook.inbox.lag", () => webhookInbox.Known ? [new Measurement<double>(Age(webhookInbox.Oldest))] : Array.Empty<Measurement<double>>(),
            "s", "Age of the oldest Stripe event in the batch being processed (0 when the inbox had nothing due at the last poll).");
    }

    public void UsageReported(string outcome, string? code = null, long count = 1)
    {
        if (count > 0)
        {
            usageReports.Add(count, new KeyValuePair<string, object?>(Outcome, outcome), new KeyValuePair<string, object?>(ErrorType, code));
        }
    }

    public void UsageLate(long count) => usageLate.Add(count);

    public void UsageFlushed(TimeSpan duration) => flushDuration.Record(duration.TotalSeconds);

    public void MeterEvent(bool sent, string? reason = null) =>
        meterEvents.Add(1, new KeyValuePair<string, object?>(Outcome, sent ? "sent" : "failed"), new KeyValuePair<string, object?>(ErrorType, reason));

    public void StripeCall(string operation, string outcome, int? status, TimeSpan duration) =>
        stripeCalls.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("tally.stripe.operation", operation),
            new KeyValuePair<string, object?>(Outcome, outcome), new KeyValuePair<string, object?>("http.response.status_code", status));

    public void WebhookReceived() => webhooksReceived.Add(1);

    public void WebhooksProcessed(int count) => webhooksProcessed.Add(count);

    public void WebhooksFailed(int count, string kind) => webhooksFailed.Add(count, new KeyValuePair<string, object?>(ErrorType, kind));

    public void RevenueQueried(string? route, TimeSpan duration) => revenueDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("http.route", route));

    /// <summary>The ledger's queue, read at each collection.</summary>
    public void ObserveUsageQueue(Func<int> depth) => usageQueueDepth = depth;

    /// <summary>What the flusher found undelivered after its last step.</summary>
    public void SetUsageBacklog(long pending, DateTimeOffset? oldest) => usageBacklog = (pending, oldest);

    /// <summary>The oldest event of the batch just claimed, or null when nothing was due.</summary>
    public void SetWebhookInbox(DateTimeOffset? oldest) => webhookInbox = (true, oldest);

    /// <summary>An endpoint filter that records <c>tally.revenue.query.duration</c>.</summary>
    public static async ValueTask<object?> TimeRevenueAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var metrics = context.HttpContext.RequestServices.GetRequiredService<TallyMetrics>();
        var started = metrics.clock.GetTimestamp();
        try
        {
            return await next(context);
        }
        finally
        {
            var route = (context.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            metrics.RevenueQueried(route, metrics.clock.GetElapsedTime(started));
        }
    }

    private double Age(DateTimeOffset? oldest) => oldest is { } o ? Math.Max(0, (clock.GetUtcNow() - o).TotalSeconds) : 0;
}
