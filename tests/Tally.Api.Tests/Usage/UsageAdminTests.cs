using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

public sealed class UsageAdminTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Correction_OfMinusN_IsAuditedAndLowersStripesTotal()
    {
        var editor = await MeteredEditorAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        await ReportAsync(editor.Client, new { quantity = 10 });
        await factory.FlushAsync();

        var answer = await admin.PostAsJsonAsync("/api/admin/usage/corrections",
            new { user_id = editor.UserId, subscription_item_id = editor.ItemId, quantity = -4, reason = "double-counted import" }, TallyFactory.Json, Ct);

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var correction = await JsonAsync(answer);
        Assert.Equal("correction", correction.GetProperty("kind").GetString());
        Assert.Equal("double-counted import", correction.GetProperty("note").GetString());
        await factory.FlushAsync();
        Assert.Equal(6m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
        var rows = await factory.WithDbAsync(db => db.Set<UsageRecord>().Where(r => r.UserId == editor.UserId).OrderBy(r => r.Id).ToListAsync(Ct));
        Assert.Equal([10m, -4m], rows.Select(r => r.Quantity));
        Assert.NotNull(rows[1].Actor);
        Assert.All(rows, r => Assert.Equal(UsageStatus.Reported, r.Status));
    }

    [Fact]
    public async Task Correction_WithoutReason_OrForAnUnknownUser_IsRefused()
    {
        var editor = await MeteredEditorAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var noReason = await admin.PostAsJsonAsync("/api/admin/usage/corrections",
            new { user_id = editor.UserId, subscription_item_id = editor.ItemId, quantity = -1 }, TallyFactory.Json, Ct);
        var noUser = await admin.PostAsJsonAsync("/api/admin/usage/corrections",
            new { user_id = 987654321, subscription_item_id = editor.ItemId, quantity = -1, reason = "x" }, TallyFactory.Json, Ct);
        var zero = await admin.PostAsJsonAsync("/api/admin/usage/corrections",
            new { user_id = editor.UserId, subscription_item_id = editor.ItemId, quantity = 0, reason = "x" }, TallyFactory.Json, Ct);

        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, "validation_failed");
        await ProblemAssert.IsProblemAsync(noUser, HttpStatusCode.NotFound, "user_not_found");
        await ProblemAssert.IsProblemAsync(zero, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId, Ct)));
    }

    [Fact]
    public async Task StripeFailing30PercentOfCalls_While10000ReportsFor50CustomersArrive_TotalsMatchToTheUnit()
    {
        var editors = new List<MeteredEditor>();
        for (var i = 0; i < 50; i++)
        {
            editors.Add(await MeteredEditorAsync(factory));
        }

        // 500s, 429s and dropped connections (a timeout to Stripe.net), each on 10 % of the meter event calls.
        foreach (var kind in new[] { FaultKind.ServerError, FaultKind.RateLimit, FaultKind.DropConnection })
        {
            factory.Emulator.Control.AddFault(new FaultRule { PathPrefix = "/v1/billing/meter_events", Kind = kind, Rate = 0.1 });
        }

        try
        {
            for (var round = 0; round < 4; round++)
            {
                await Task.WhenAll(editors.Select(async e =>
                {
                    var events = Enumerable.Range(0, 50).Select(k => new { quantity = 1 + (k % 3), idempotency_key = $"r{round}-{k}" }).ToList();
                    var answer = await e.Client.PostAsJsonAsync("/api/billing/report_usage/batch", new { events }, TallyFactory.Json, Ct);
                    Assert.Equal(50, (await JsonAsync(answer)).GetProperty("accepted").GetInt32());
                }));
                await factory.FlushAsync();
            }
        }
        finally
        {
            factory.Emulator.Control.ClearFaults();
        }

        var userIds = editors.Select(e => e.UserId).ToList();
        await Eventually.TrueAsync(async () =>
        {
            await factory.FlushAsync();
            return await factory.WithDbAsync(db => db.Set<UsageRecord>().Where(r => userIds.Contains(r.UserId)).AllAsync(r => r.Status == UsageStatus.Reported, Ct));
        }, "every record delivered once the faults stop");
        var perRound = Enumerable.Range(0, 50).Sum(k => 1 + (k % 3));
        Assert.All(editors, e => Assert.Equal(4m * perRound, factory.StripeTotal(e.CustomerId, e.PeriodStart, e.PeriodEnd)));
        Assert.Equal(10_000, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => userIds.Contains(r.UserId), Ct)));
    }

    [Fact]
    public async Task RefusedBatch_FailsItsRecords_AndRetryPutsThemBack()
    {
        var editor = await MeteredEditorAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        await ReportAsync(editor.Client, new { quantity = 3 });
        await factory.Stripe.V1.Customers.DeleteAsync(editor.CustomerId, cancellationToken: Ct);

        await factory.FlushAsync();

        var failed = await factory.WithDbAsync(db => db.Set<UsageRecord>().SingleAsync(r => r.UserId == editor.UserId, Ct));
        Assert.Equal(UsageStatus.Failed, failed.Status);
        Assert.False(string.IsNullOrEmpty(failed.Note));
        var health = await admin.GetFromJsonAsync<JsonElement>("/api/admin/usage/health", TallyFactory.Json, Ct);
        Assert.True(health.GetProperty("failed").GetInt64() >= 1);

        var retry = await admin.PostAsync("/api/admin/usage/failed/retry", null, Ct);

        Assert.True((await JsonAsync(retry)).GetProperty("retried").GetInt32() >= 1);
        var back = await factory.WithDbAsync(db => db.Set<UsageRecord>().SingleAsync(r => r.UserId == editor.UserId, Ct));
        Assert.Equal(UsageStatus.Pending, back.Status);
        Assert.Null(back.BatchId);
    }

    [Fact]
    public async Task Reconciliation_ComparesLocalTotalsWithStripes()
    {
        var editor = await MeteredEditorAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        await ReportAsync(editor.Client, new { quantity = 8 });
        await factory.FlushAsync();
        await ReportAsync(editor.Client, new { quantity = 2 });

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/admin/usage/reconciliation?period=current", TallyFactory.Json, Ct);

        var row = report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("stripe_customer_id").GetString() == editor.CustomerId);
        Assert.Equal(10m, row.GetProperty("local_total").GetDecimal());
        Assert.Equal(8m, row.GetProperty("delivered_total").GetDecimal());
        Assert.Equal(8m, row.GetProperty("stripe_total").GetDecimal());
        Assert.Equal(2m, row.GetProperty("difference").GetDecimal());
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/api/admin/usage/reconciliation?period=someday", Ct), HttpStatusCode.BadRequest, "validation_failed");
    }
}
