using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Infrastructure.Telemetry;

/// <summary>Spans of a report_usage request and of its flush (a background job) in one trace; trace_id in problems is the request span's.</summary>
public sealed class TracingTests(TracingUsageTallyFactory factory) : IClassFixture<TracingUsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportUsage_AndTheFlushThatDeliversIt_ShareOneTraceId()
    {
        var editor = await MeteredEditorAsync(factory);
        // The client's own span: HttpClient propagates its context (traceparent) to Tally.
        ActivityTraceId trace;
        using (var client = new Activity("test client").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            client.ActivityTraceFlags = ActivityTraceFlags.Recorded; // sampled: Tally's parent-based sampler records the request too
            trace = client.TraceId;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/report_usage") { Content = JsonContent.Create(new { quantity = 3 }) };
            request.Headers.Add("Idempotency-Key", "traced");
            Assert.Equal(HttpStatusCode.Accepted, (await editor.Client.SendAsync(request, Ct)).StatusCode);
        }

        Assert.True(await factory.FlushAsync() >= 1);

        List<Activity> mine = [];
        var complete = await Eventually.WithinAsync(() =>
        {
            mine = [.. factory.Spans.Where(s => s.TraceId == trace)];
            return Task.FromResult(mine.Any(s => s.Kind == ActivityKind.Server && "/api/billing/report_usage".Equals(s.GetTagItem("http.route")))
                && mine.Any(s => s.DisplayName == "stripe POST /v1/billing/meter_events"));
        }, Eventually.DefaultTimeout);
        Assert.True(complete, $"spans of the trace: {string.Join(", ", mine.Select(s => $"{s.Kind} {s.DisplayName}"))}; flush spans anywhere: "
            + string.Join(", ", factory.Spans.Where(s => s.DisplayName.StartsWith("usage", StringComparison.Ordinal) || s.DisplayName.StartsWith("stripe", StringComparison.Ordinal))
                .Select(s => $"{s.DisplayName} {s.TraceId} parent {s.ParentId} links {s.Links.Count()}")));
        // (The emulator runs in this process, so its server spans for Tally's Stripe calls are in the trace too.)
        var server = Assert.Single(mine, s => s.Kind == ActivityKind.Server && "/api/billing/report_usage".Equals(s.GetTagItem("http.route")));
        var flush = Assert.Single(mine, s => s.DisplayName == "usage flush batch");
        var send = Assert.Single(mine, s => s.DisplayName == "stripe POST /v1/billing/meter_events");
        Assert.Equal(flush.SpanId, send.ParentSpanId);
        Assert.Equal(server.TraceId, flush.TraceId);
        Assert.Equal("POST", server.GetTagItem("http.request.method"));
    }

    [Fact]
    public async Task Problem_TraceId_IsTheRequestsTraceId()
    {
        var editor = await MeteredEditorAsync(factory);
        JsonElement problem;
        ActivityTraceId trace;
        using (var client = new Activity("test client").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            client.ActivityTraceFlags = ActivityTraceFlags.Recorded; // sampled: Tally's parent-based sampler records the request too
            trace = client.TraceId;
            problem = await ProblemAssert.IsProblemAsync(await editor.Client.PostAsJsonAsync("/api/billing/report_usage", new { quantity = -1 }, TallyFactory.Json, Ct),
                HttpStatusCode.BadRequest, "validation_failed");
        }

        // trace_id is the trace's id itself (32 hex digits), the one the request's span carries.
        Assert.Equal(trace.ToHexString(), Assert.Single(problem.EnumerateObject(), p => p.Name is "trace_id" or "traceId").Value.GetString());
        var server = await Eventually.ValueAsync(() => Task.FromResult(factory.Spans.FirstOrDefault(s => s.TraceId == trace && s.Kind == ActivityKind.Server
                && "/api/billing/report_usage".Equals(s.GetTagItem("http.route")))),
            s => s is not null, "the request's span");
        Assert.Equal(trace, server!.TraceId);
    }
}
