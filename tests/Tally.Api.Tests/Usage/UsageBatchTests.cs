using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

public sealed class UsageBatchTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batch_WithValidDuplicateAndInvalidItems_AnswersPerItem_AndStoresTheValidOnes()
    {
        var editor = await MeteredEditorAsync(factory);
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 2 }, "seen-before")).StatusCode);

        var body = """
            {"events": [
              {"quantity": 1, "idempotency_key": "b1"},
              {"quantity": 2, "idempotency_key": "seen-before"},
              {"quantity": 0, "idempotency_key": "b3"},
              {"quantity": "x", "idempotency_key": "b4"},
              {"quantity": 1},
              {"quantity": 7, "idempotency_key": "seen-before"},
              {"quantity": 4, "idempotency_key": "b7", "metadata": {"n": 7}}
            ]}
            """;
        var answer = await editor.Client.PostAsync("/api/billing/report_usage/batch", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var result = await JsonAsync(answer);
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        Assert.Equal(1, result.GetProperty("duplicates").GetInt32());
        var rejected = result.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("code").GetString())).ToList();
        Assert.Equal([(2, "validation_failed"), (3, "invalid_json"), (4, "validation_failed"), (5, "idempotency_key_reused")], rejected);
        Assert.Equal(3, result.GetProperty("records").GetArrayLength());

        var stored = await factory.WithDbAsync(db => db.Set<UsageRecord>().Where(r => r.UserId == editor.UserId).OrderBy(r => r.Id).Select(r => r.Quantity).ToListAsync(Ct));
        Assert.Equal([2m, 1m, 4m], stored);
        await factory.FlushAsync();
        Assert.Equal(7m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
    }

    [Fact]
    public async Task Batch_Empty_OrTooLarge_Is400()
    {
        var editor = await MeteredEditorAsync(factory);

        var empty = await editor.Client.PostAsJsonAsync("/api/billing/report_usage/batch", new { events = Array.Empty<object>() }, TallyFactory.Json, Ct);
        var large = await editor.Client.PostAsJsonAsync("/api/billing/report_usage/batch",
            new { events = Enumerable.Range(0, 1001).Select(i => new { quantity = 1, idempotency_key = $"k{i}" }) }, TallyFactory.Json, Ct);

        await ProblemAssert.IsProblemAsync(empty, HttpStatusCode.BadRequest, "validation_failed");
        await ProblemAssert.IsProblemAsync(large, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId, Ct)));
    }

    [Fact]
    public async Task Batch_OfAThousand_StoresEveryOne_InOneGo()
    {
        var editor = await MeteredEditorAsync(factory);

        var answer = await editor.Client.PostAsJsonAsync("/api/billing/report_usage/batch",
            new { events = Enumerable.Range(0, 1000).Select(i => new { quantity = 1, idempotency_key = $"t{i}" }) }, TallyFactory.Json, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(1000, (await JsonAsync(answer)).GetProperty("accepted").GetInt32());
        await factory.FlushAsync();
        Assert.Equal(1000m, factory.StripeTotal(editor.CustomerId, editor.PeriodStart, editor.PeriodEnd));
    }
}
