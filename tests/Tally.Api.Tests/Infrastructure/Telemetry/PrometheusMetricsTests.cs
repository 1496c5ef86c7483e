using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;

namespace Tally.Api.Tests.Infrastructure.Telemetry;

/// <summary>A real Prometheus scraping a real Tally process (TALLY_METRICS_URLS), asked with PromQL.</summary>
public sealed class PrometheusMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prometheus_ScrapingTally_CountsTheAcceptedReports_AndSeesPendingReturnToZeroAfterTheFlush()
    {
        var metricsPort = TallyProcess.FreePort();
        using var prometheus = PrometheusServer.Scrape($"127.0.0.1:{metricsPort}");
        await using var set = await UsageProcesses.StartAsync();
        var (tally, admin) = await set.ServeAsync(new Dictionary<string, string> { ["TALLY_METRICS_URLS"] = $"http://127.0.0.1:{metricsPort}" });
        await using var _ = tally;
        var (subject, customerId, start, end) = await UsageProcesses.MeteredEditorAsync(admin, 0);
        using var editor = UsageProcesses.ClientFor(admin.BaseAddress!.ToString(), TestTokens.For(subject, $"{subject}@example.com"));
        var test = $"test=\"{prometheus.Label}\"";
        await prometheus.EventuallyAsync($"up{{{test}}}", 1);

        // Stripe holds the meter events: the reports stay pending (batched, not delivered) until it lets go.
        var stripe = new TaskCompletionSource();
        set.Emulator.Control.AddFault(new FaultRule { PathPrefix = "/v1/billing/meter_events", Kind = FaultKind.Latency, HoldUntil = stripe.Task });
        const int n = 37;
        var events = Enumerable.Range(0, n).Select(i => new { quantity = 1 + (i % 3), idempotency_key = $"prom-{i}" }).ToList();
        var batch = await editor.PostAsJsonAsync("/api/billing/report_usage/batch", new { events }, TallyFactory.Json, Ct);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(n, (await batch.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("accepted").GetInt32());
        using var again = new HttpRequestMessage(HttpMethod.Post, "/api/billing/report_usage") { Content = JsonContent.Create(new { quantity = 1 }) };
        again.Headers.Add("Idempotency-Key", "prom-0");
        Assert.Equal(HttpStatusCode.Accepted, (await editor.SendAsync(again, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await editor.PostAsJsonAsync("/api/billing/report_usage", new { quantity = -1 }, TallyFactory.Json, Ct)).StatusCode);

        await prometheus.EventuallyAsync($"sum(tally_usage_reports_total{{{test},tally_outcome=\"accepted\"}})", n);
        await prometheus.EventuallyAsync($"sum(tally_usage_reports_total{{{test},tally_outcome=\"duplicate\"}})", 1);
        await prometheus.EventuallyAsync($"sum(tally_usage_reports_total{{{test},tally_outcome=\"rejected\",error_type=\"validation_failed\"}})", 1);
        await prometheus.EventuallyAsync($"tally_usage_pending{{{test}}}", n);
        Assert.True(await prometheus.QueryAsync($"tally_usage_pending_oldest_age_seconds{{{test}}}") >= 0);

        stripe.SetResult();
        set.Emulator.Control.ClearFaults();
        await prometheus.EventuallyAsync($"tally_usage_pending{{{test}}}", 0);
        await prometheus.EventuallyAsync($"tally_usage_pending_oldest_age_seconds{{{test}}}", 0);
        await prometheus.EventuallyAsync($"sum(tally_usage_meter_events_total{{{test},tally_outcome=\"sent\"}})", 1);
        Assert.Equal(events.Sum(e => e.quantity), set.StripeTotal(customerId, start, end));
        Assert.True(await prometheus.QueryAsync($"sum(tally_stripe_call_duration_seconds_count{{{test},tally_stripe_operation=\"POST /v1/billing/meter_events\"}})") >= 1);
        Assert.NotNull(await prometheus.QueryAsync($"sum(http_server_request_duration_seconds_count{{{test},http_route=\"/api/billing/report_usage/batch\"}})"));
    }
}
