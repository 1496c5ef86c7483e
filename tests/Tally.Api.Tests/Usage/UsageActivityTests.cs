using System.Net;
using System.Text.Json;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.LedgerRows;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

/// <summary><c>GET /api/admin/usage/activity</c> at a known instant: ledger rows created and delivered in known minutes.</summary>
public sealed class UsageActivityTests(ClockedTallyFactory factory) : IClassFixture<ClockedTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Activity_CountsRecordsCreatedPerMinute_AndTheBacklogAtEachMinutesEnd()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var t = factory.Minute; // the clock stands at t + 30 s: the window of 10 minutes is [t - 9 min, now]
        DateTimeOffset M(int minutes, int seconds = 0) => t.AddMinutes(minutes).AddSeconds(seconds);
        await AddAsync(factory,
            Record(1, M(-100)),                              // r0: pending since before the window
            Record(1, M(-90), reportedAt: M(-4)),            // r5: waiting until minute -4
            Record(1, M(-5, 10), reportedAt: M(-3, 5)),      // r1: waits at the ends of minutes -5 and -4
            Record(1, M(-5, 20)),                            // r2: still pending
            Record(1, M(-2, 1), reportedAt: M(-1, 30)),      // r3: waits at the end of minute -2
            Record(1, M(-2, 2), status: UsageStatus.Failed), // r4: failed, never counted as waiting
            Record(1, M(-20), reportedAt: M(-15)));          // delivered before the window: no effect

        var body = await JsonAsync(await admin.GetAsync("/api/admin/usage/activity?minutes=10", Ct));

        Assert.Equal(10, body.GetProperty("minutes").GetInt32());
        Assert.Equal(M(-9), body.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(M(0, 30), body.GetProperty("to").GetDateTimeOffset());
        var points = body.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(-9, 10).Select(m => M(m)), points.Select(p => p.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal([0, 0, 0, 0, 2, 0, 0, 2, 0, 0], points.Select(p => p.GetProperty("accepted").GetInt32()));
        Assert.Equal([2, 2, 2, 2, 4, 3, 2, 3, 2, 2], points.Select(p => p.GetProperty("pending_at_end").GetInt32()));
        Assert.Equal(2, body.GetProperty("pending").GetInt64());
        Assert.Equal(TimeSpan.FromMinutes(100.5).TotalSeconds, body.GetProperty("oldest_pending_seconds").GetDouble());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1441")]
    [InlineData("many")]
    public async Task Activity_MinutesOutOfRange_IsValidationFailed(string minutes)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var problem = await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/admin/usage/activity?minutes={minutes}", Ct),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty("minutes", out _), problem.ToString());
    }

    [Fact]
    public async Task Activity_DefaultsToTheLastHour()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var body = await JsonAsync(await admin.GetAsync("/api/admin/usage/activity", Ct));

        Assert.Equal(60, body.GetProperty("points").GetArrayLength());
        Assert.Equal(factory.Minute.AddMinutes(-59), body.GetProperty("from").GetDateTimeOffset());
    }
}

/// <summary>The activity and health figures of a real pipeline: reports accepted, then delivered by a flush.</summary>
public sealed class UsageActivityFlushTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Backlog_DropsAfterAFlush()
    {
        var editor = await MeteredEditorAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 2 })).StatusCode);
        }

        var before = await JsonAsync(await admin.GetAsync("/api/admin/usage/activity?minutes=30", Ct));
        await factory.FlushAsync();
        var after = await JsonAsync(await admin.GetAsync("/api/admin/usage/activity?minutes=30", Ct));

        Assert.Equal(3, before.GetProperty("pending").GetInt64());
        Assert.Equal(3, LastPending(before));
        Assert.True(before.GetProperty("oldest_pending_seconds").GetDouble() >= 0);
        Assert.Equal(3, Accepted(before));
        Assert.Equal(0, after.GetProperty("pending").GetInt64());
        Assert.Equal(0, LastPending(after));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("oldest_pending_seconds").ValueKind);
        Assert.Equal(3, Accepted(after));
    }

    private static int LastPending(JsonElement body) => body.GetProperty("points").EnumerateArray().Last().GetProperty("pending_at_end").GetInt32();

    private static int Accepted(JsonElement body) => body.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("accepted").GetInt32());
}
