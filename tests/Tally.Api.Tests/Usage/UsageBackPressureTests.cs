using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Usage;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

/// <summary>The usage pipeline with room for <see cref="Capacity"/> waiting reports only.</summary>
public sealed class TinyQueueUsageTallyFactory : UsageTallyFactory
{
    public const int Capacity = 8;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Usage:QueueCapacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return settings;
        }
    }
}

public sealed class UsageBackPressureTests(TinyQueueUsageTallyFactory factory) : IClassFixture<TinyQueueUsageTallyFactory>
{
    private const int Requests = 40;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullQueue_Answers503WithRetryAfter_AndEvery202IsInTheLedger_AndNo503Is()
    {
        var editor = await MeteredEditorAsync(factory);
        var prefix = $"bp-{Guid.NewGuid():N}";

        // Stall the writer with a real lock on the ledger: an open write transaction (SQLite's one
        // writer) or a table lock that blocks inserts (PostgreSQL). Reads go on.
        await using var scope = factory.Services.CreateAsyncScope();
        var locker = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        await locker.Database.OpenConnectionAsync(Ct);
        var tx = await locker.Database.BeginTransactionAsync(Ct);
        await locker.Database.ExecuteSqlRawAsync(
            TestDatabase.UsesPostgres ? "LOCK TABLE usage_records IN EXCLUSIVE MODE" : "DELETE FROM usage_records WHERE id = -1", Ct);

        var answers = Enumerable.Range(0, Requests)
            .Select(i => (Key: $"{prefix}-{i}", Answer: ReportAsync(editor.Client, new { quantity = i + 1 }, $"{prefix}-{i}"))).ToList();

        // Every report beyond the queue's capacity is refused at once, while the queued ones wait for the writer.
        await Eventually.TrueAsync(() => Task.FromResult(answers.Count(a => a.Answer.IsCompleted) >= Requests - TinyQueueUsageTallyFactory.Capacity),
            "the reports beyond the queue's capacity answered");
        Assert.Equal(TinyQueueUsageTallyFactory.Capacity, factory.Services.GetRequiredService<UsageLedger>().QueueDepth);
        Assert.Equal(TinyQueueUsageTallyFactory.Capacity, answers.Count(a => !a.Answer.IsCompleted));

        await tx.RollbackAsync(Ct);
        await locker.Database.CloseConnectionAsync();
        await Task.WhenAll(answers.Select(a => a.Answer));

        var accepted = new List<string>();
        var refused = new List<string>();
        foreach (var (key, task) in answers)
        {
            var answer = await task;
            if (answer.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add(key);
                continue;
            }

            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.ServiceUnavailable, "usage_queue_full");
            Assert.Equal("1", Assert.Single(answer.Headers.GetValues("Retry-After")));
            refused.Add(key);
        }

        Assert.Equal(TinyQueueUsageTallyFactory.Capacity, accepted.Count);
        Assert.Equal(Requests - TinyQueueUsageTallyFactory.Capacity, refused.Count);
        var stored = await factory.WithDbAsync(db => db.Set<UsageRecord>().AsNoTracking()
            .Where(r => r.UserId == editor.UserId && r.IdempotencyKey!.StartsWith(prefix)).Select(r => r.IdempotencyKey!).ToListAsync(Ct));
        Assert.Equal(accepted.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.Empty(refused.Intersect(stored));

        // The queue drained: a refused report sent again is accepted and stored.
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(editor.Client, new { quantity = 1 }, refused[0])).StatusCode);
        Assert.Equal(0, factory.Services.GetRequiredService<UsageLedger>().QueueDepth);
    }
}
