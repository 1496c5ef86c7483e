using System.Net;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

public sealed class AggregateModeTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    [Fact]
    public async Task Aggregate_ManyReportsOfOneCustomer_AreOneMeterEvent()
    {
        var editor = await MeteredEditorAsync(factory);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 2 })).StatusCode);
        }

        factory.Emulator.Control.ClearRequests();
        await factory.FlushAsync();

        Assert.Single(factory.Emulator.Control.Requests, r => r.Path == "/v1/billing/meter_events");
        Assert.Equal(10m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
    }
}

public sealed class PerRecordModeTests(PerRecordUsageTallyFactory factory) : IClassFixture<PerRecordUsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PerRecord_EachReportIsItsOwnMeterEvent_NamedAfterTheRecord()
    {
        var editor = await MeteredEditorAsync(factory);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 2 })).StatusCode);
        }

        factory.Emulator.Control.ClearRequests();
        await factory.FlushAsync();

        Assert.Equal(3, factory.Emulator.Control.Requests.Count(r => r.Path == "/v1/billing/meter_events"));
        Assert.Equal(6m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
        var records = await factory.WithDbAsync(db => db.Set<UsageRecord>().Where(r => r.UserId == editor.UserId).ToListAsync(Ct));
        Assert.All(records, r => Assert.StartsWith($"tally-usage-rec-{r.Id}-", r.BatchId, StringComparison.Ordinal));
    }
}
