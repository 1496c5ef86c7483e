using System.Net;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

public sealed class ReportUsageTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportUsage_IsStored_ThenDeliveredToStripe()
    {
        var editor = await MeteredEditorAsync(factory);

        var answer = await ReportAsync(editor.Client, new { quantity = 5, metadata = new { source = "test" } }, "first");

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var record = await JsonAsync(answer);
        Assert.Equal("pending", record.GetProperty("status").GetString());
        Assert.Equal(editor.ItemId, record.GetProperty("stripe_subscription_item_id").GetString());
        Assert.Equal(5m, record.GetProperty("quantity").GetDecimal());
        Assert.Equal("test", record.GetProperty("metadata").GetProperty("source").GetString());
        var id = record.GetProperty("id").GetInt64();
        Assert.Equal(0m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));

        Assert.True(await factory.FlushAsync() >= 1);

        Assert.Equal(5m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
        var stored = await factory.WithDbAsync(db => db.Set<UsageRecord>().SingleAsync(r => r.Id == id, Ct));
        Assert.Equal(UsageStatus.Reported, stored.Status);
        Assert.NotNull(stored.ReportedAt);
        Assert.True(await factory.WithDbAsync(db => db.Set<UsageBatch>().AnyAsync(b => b.Id == stored.BatchId && b.Status == BatchStatus.Sent && b.Value == 5, Ct)));
    }

    [Fact]
    public async Task ReportUsage_HundredConcurrentWithOneKey_StoresOneRecord_AndAnswersAlike()
    {
        var editor = await MeteredEditorAsync(factory);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ReportAsync(editor.Client, new { quantity = 3 }, "same-key")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync(Ct)));
        Assert.True(bodies.Distinct().Count() == 1, string.Join(Environment.NewLine, bodies.Distinct()));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId, Ct)));

        var other = await ReportAsync(editor.Client, new { quantity = 4 }, "same-key");
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId, Ct)));

        await factory.FlushAsync();
        Assert.Equal(3m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
    }

    [Fact]
    public async Task ReportUsage_FractionsAddUp_NeverLostNorDoubled()
    {
        var editor = await MeteredEditorAsync(factory);

        foreach (var key in new[] { "a", "b", "c" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 0.4m }, key)).StatusCode);
        }

        await factory.FlushAsync();
        Assert.Equal(1m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));

        // The 0.2 left over is carried: two more 0.4s make 1.0, sent as one more unit.
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 0.4m }, "d")).StatusCode);
        await factory.FlushAsync();
        Assert.Equal(1m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 0.4m }, "e")).StatusCode);
        await factory.FlushAsync();
        Assert.Equal(2m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
    }

    [Fact]
    public async Task ReportUsage_WithoutKey_StoresEachReport()
    {
        var editor = await MeteredEditorAsync(factory);

        await ReportAsync(editor.Client, new { quantity = 1 });
        await ReportAsync(editor.Client, new { quantity = 1 });

        Assert.Equal(2, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId, Ct)));
    }

    [Fact]
    public async Task ReportUsage_MetadataAsAStringHoldingAnObject_IsAccepted()
    {
        var editor = await MeteredEditorAsync(factory);

        var answer = await ReportAsync(editor.Client, new { quantity = 1, metadata = "{\"k\":\"v\"}", subscription_item_id = editor.ItemId });

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal("v", (await JsonAsync(answer)).GetProperty("metadata").GetProperty("k").GetString());
    }
}
