using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;

namespace Tally.Api.Tests.Usage;

/// <summary>Real service processes: killed with SIGKILL while flushing, and two of them flushing one database.</summary>
public sealed class UsageCrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Flusher_KilledRepeatedly_WhileFlushing_DeliversEveryReportExactlyOnce()
    {
        await using var set = await UsageProcesses.StartAsync();
        var (tally, admin) = await set.ServeAsync();
        var editors = new List<(string Subject, string CustomerId, DateTimeOffset Start, DateTimeOffset End)>();
        for (var i = 0; i < 4; i++)
        {
            editors.Add(await UsageProcesses.MeteredEditorAsync(admin, i));
        }

        var expected = editors.ToDictionary(e => e.CustomerId, _ => 0m);
        var random = new Random(7);
        try
        {
            for (var round = 0; round < 4; round++)
            {
                // Meter events are held by "Stripe" until Tally is dead: it is killed with a call in flight,
                // whose event Stripe records only afterwards, so the restarted Tally must send it again.
                var hold = new TaskCompletionSource();
                set.Emulator.Control.AddFault(new FaultRule { PathPrefix = "/v1/billing/meter_events", Kind = FaultKind.Latency, HoldUntil = hold.Task });
                var sentBefore = set.Emulator.Control.Requests.Count(r => r.Path == "/v1/billing/meter_events");
                foreach (var (subject, customerId, _, _) in editors)
                {
                    var events = Enumerable.Range(0, 40).Select(i => new { quantity = random.Next(1, 6), idempotency_key = $"r{round}-{i}" }).ToList();
                    using var editor = UsageProcesses.ClientFor(admin.BaseAddress!.ToString(), TestTokens.For(subject, $"{subject}@example.com"));
                    var answer = await editor.PostAsJsonAsync("/api/billing/report_usage/batch", new { events }, TallyFactory.Json, Ct);
                    Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                    Assert.Equal(events.Count, (await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("accepted").GetInt32());
                    expected[customerId] += events.Sum(e => e.quantity);
                }

                await Eventually.TrueAsync(() => Task.FromResult(set.Emulator.Control.Requests.Count(r => r.Path == "/v1/billing/meter_events") > sentBefore),
                    "a meter event in flight");
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 300)), Ct);
                await tally.DisposeAsync(); // SIGKILL, mid-flush
                hold.SetResult();
                set.Emulator.Control.ClearFaults();
                (tally, admin) = await set.ServeAsync();
            }

            await Eventually.TrueAsync(async () =>
            {
                var health = await admin.GetFromJsonAsync<JsonElement>("/api/admin/usage/health", TallyFactory.Json, Ct);
                return health.GetProperty("pending").GetInt64() == 0 && health.GetProperty("open_batches").GetInt64() == 0;
            }, "every report delivered after the last restart");
        }
        finally
        {
            await tally.DisposeAsync();
        }

        foreach (var (_, customerId, start, end) in editors)
        {
            Assert.Equal(expected[customerId], set.StripeTotal(customerId, start, end));
        }

        var sends = set.MeterEventsByIdentifier();
        Assert.All(sends, e => Assert.Single(e.Value.Distinct()));
        Assert.True(sends.Values.Sum(v => v.Count) > sends.Count, "a kill interrupted a call, which a restarted Tally sent again");
    }

    [Fact]
    public async Task TwoProcesses_FlushingOneDatabase_SendEachBatchOnce_AndTotalsMatch()
    {
        await using var set = await UsageProcesses.StartAsync();
        var (first, firstAdmin) = await set.ServeAsync();
        var (second, secondAdmin) = await set.ServeAsync();
        try
        {
            var editors = new List<(string Subject, string CustomerId, DateTimeOffset Start, DateTimeOffset End)>();
            for (var i = 0; i < 4; i++)
            {
                editors.Add(await UsageProcesses.MeteredEditorAsync(i % 2 == 0 ? firstAdmin : secondAdmin, i));
            }

            var expected = editors.ToDictionary(e => e.CustomerId, _ => 0m);
            for (var round = 0; round < 5; round++)
            {
                await Task.WhenAll(editors.Select(async (e, i) =>
                {
                    var via = (round + i) % 2 == 0 ? firstAdmin : secondAdmin;
                    using var editor = UsageProcesses.ClientFor(via.BaseAddress!.ToString(), TestTokens.For(e.Subject, $"{e.Subject}@example.com"));
                    var events = Enumerable.Range(0, 25).Select(k => new { quantity = 2, idempotency_key = $"r{round}-{k}" }).ToList();
                    var answer = await editor.PostAsJsonAsync("/api/billing/report_usage/batch", new { events }, TallyFactory.Json, Ct);
                    Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                }));
                foreach (var e in editors)
                {
                    expected[e.CustomerId] += 50;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
            }

            await Eventually.TrueAsync(async () =>
            {
                var health = await firstAdmin.GetFromJsonAsync<JsonElement>("/api/admin/usage/health", TallyFactory.Json, Ct);
                return health.GetProperty("pending").GetInt64() == 0 && health.GetProperty("open_batches").GetInt64() == 0;
            }, "both processes to deliver everything");
            foreach (var (_, customerId, start, end) in editors)
            {
                Assert.Equal(expected[customerId], set.StripeTotal(customerId, start, end));
            }

            Assert.All(set.MeterEventsByIdentifier(), e => Assert.Single(e.Value));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }
}
