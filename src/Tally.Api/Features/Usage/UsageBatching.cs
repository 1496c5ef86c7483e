using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Usage;

/// <summary>
/// The first half of delivery: turns pending records into batches (one meter event each) in the
/// transaction that assigns the records to them, and closes ended periods by sending their rounded
/// remainder. Several instances may run it at once: a record goes to the batch whose conditional
/// update took it, and a transaction that did not get all of its records writes nothing.
/// </summary>
internal sealed class UsageBatching(TallyDbContext db, StripeTime stripeTime, IOptions<UsageOptions> options, TimeProvider clock)
{
    private const int MaxRecordsPerBatch = 20_000;

    private sealed record GroupKey(string CustomerId, string EventName, DateTimeOffset Start, DateTimeOffset End);

    /// <summary>Batches pending records, at most <see cref="UsageOptions.MaxBatchesPerFlush"/> groups; returns how many batches it wrote.</summary>
    public async Task<int> BatchPendingAsync(CancellationToken ct)
    {
        var groups = await db.Set<UsageRecord>().AsNoTracking()
            .Where(r => r.Status == UsageStatus.Pending && r.BatchId == null)
            .Select(r => new { r.StripeCustomerId, r.MeterEventName, r.PeriodStart, r.PeriodEnd })
            .Distinct()
            // Oldest periods first: they close first. (A defined order also keeps EF from warning of a Take without one.)
            .OrderBy(g => g.PeriodStart).ThenBy(g => g.StripeCustomerId).ThenBy(g => g.MeterEventName)
            .Take(options.Value.MaxBatchesPerFlush).ToListAsync(ct);
        var written = 0;
        foreach (var g in groups)
        {
            written += await BatchGroupAsync(new GroupKey(g.StripeCustomerId, g.MeterEventName, g.PeriodStart, g.PeriodEnd), ct);
        }

        return written + await CloseEndedPeriodsAsync(ct);
    }

    private async Task<int> BatchGroupAsync(GroupKey key, CancellationToken ct)
    {
        var now = await stripeTime.NowAsync(key.CustomerId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var records = await db.Set<UsageRecord>().AsNoTracking()
            .Where(r => r.Status == UsageStatus.Pending && r.BatchId == null && r.StripeCustomerId == key.CustomerId
                && r.MeterEventName == key.EventName && r.PeriodStart == key.Start)
            .OrderBy(r => r.Id).Take(MaxRecordsPerBatch)
            .Select(r => new { r.Id, r.Quantity, r.Timestamp }).ToListAsync(ct);
        if (records.Count == 0)
        {
            return 0;
        }

        var carry = await CarryAsync(key, ct);
        var final = key.End <= now - options.Value.CloseAfter;
        var chunks = options.Value.PerRecord ? records.Select(r => new[] { r }).ToList() : [[.. records]];
        foreach (var chunk in chunks)
        {
            var quantity = chunk.Sum(r => r.Quantity);
            var batch = NewBatch(key, options.Value.PerRecord ? $"tally-usage-rec-{chunk[0].Id}-{Guid.NewGuid():N}" : null, quantity, carry, final,
                chunk.Max(r => r.Timestamp), now, clock.GetUtcNow());
            carry += quantity - batch.Value;
            db.Add(batch);
            await db.SaveChangesAsync(ct);
            var ids = chunk.Select(r => r.Id).ToList();
            var taken = await db.Set<UsageRecord>().Where(r => ids.Contains(r.Id) && r.BatchId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.BatchId, batch.Id), ct);
            if (taken != ids.Count)
            {
                // Another flusher batched some of these records first: leave them all to it.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return 0;
            }
        }

        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return chunks.Count;
    }

    /// <summary>
    /// Periods that stopped taking usage (<see cref="UsageOptions.CloseAfter"/> past their end) with a
    /// fraction still carried: one final batch each, the remainder rounded half-up (a zero one is sent nowhere).
    /// </summary>
    private async Task<int> CloseEndedPeriodsAsync(CancellationToken ct)
    {
        var wallNow = clock.GetUtcNow();
        var closedBefore = wallNow - options.Value.CloseAfter;
        // Periods that ended more than 35 days ago can take no meter event any more: not looked at again.
        var oldest = wallNow - UsageRules.MaxAge;
        var clocked = await StripeTime.TestClockCustomersAsync(db, ct);
        var keys = await db.Set<UsageBatch>().AsNoTracking()
            .Where(b => b.Status != BatchStatus.Failed && ((b.PeriodEnd <= closedBefore && b.PeriodEnd > oldest) || clocked.Contains(b.StripeCustomerId)))
            .GroupBy(b => new { b.StripeCustomerId, b.MeterEventName, b.PeriodStart, b.PeriodEnd })
            .Where(g => g.Max(b => b.Final ? 1 : 0) == 0)
            .Select(g => g.Key).OrderBy(k => k.PeriodEnd).Take(options.Value.MaxBatchesPerFlush).ToListAsync(ct);
        var closed = 0;
        foreach (var k in keys)
        {
            var now = await stripeTime.NowAsync(k.StripeCustomerId, ct);
            if (k.PeriodEnd > now - options.Value.CloseAfter)
            {
                continue; // a test-clock customer whose period has not ended in its own time
            }

            var key = new GroupKey(k.StripeCustomerId, k.MeterEventName, k.PeriodStart, k.PeriodEnd);
            var batch = NewBatch(key, null, 0, await CarryAsync(key, ct), final: true, key.End.AddSeconds(-1), now, wallNow);
            if (batch.Value == 0)
            {
                (batch.Status, batch.SentAt) = (BatchStatus.Sent, wallNow);
            }

            db.Add(batch);
            closed++;
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return closed;
    }

    /// <summary>What the key's batches so far left behind: the fractions not sent yet.</summary>
    private async Task<decimal> CarryAsync(GroupKey key, CancellationToken ct) =>
        (await db.Set<UsageBatch>().AsNoTracking()
            .Where(b => b.StripeCustomerId == key.CustomerId && b.MeterEventName == key.EventName && b.PeriodStart == key.Start && b.Status != BatchStatus.Failed)
            .Select(b => new { b.Quantity, b.Value }).ToListAsync(ct))
        .Sum(b => b.Quantity - b.Value);

    /// <param name="now">The customer's Stripe time (a test clock's, for its customers).</param>
    /// <param name="wallNow">Tally's own time, for the row's bookkeeping.</param>
    private static UsageBatch NewBatch(
        GroupKey key, string? id, decimal quantity, decimal carry, bool final, DateTimeOffset latest, DateTimeOffset now, DateTimeOffset wallNow)
    {
        var owed = carry + quantity;
        var value = final ? (long)Math.Round(owed, MidpointRounding.AwayFromZero) : (long)decimal.Truncate(owed);
        // Inside the period (a late record's own timestamp lies before it), and never before Stripe's 35-day window.
        var timestamp = Clamp(Clamp(latest, now - UsageRules.MaxAge + TimeSpan.FromMinutes(1), now), key.Start, key.End.AddSeconds(-1));
        return new UsageBatch
        {
            Id = id ?? $"tally-usage-{Guid.NewGuid():N}", StripeCustomerId = key.CustomerId, MeterEventName = key.EventName, PeriodStart = key.Start,
            PeriodEnd = key.End, Quantity = quantity, Value = value, Final = final, Timestamp = timestamp, NextAttemptAt = wallNow, CreatedAt = wallNow,
        };
    }

    private static DateTimeOffset Clamp(DateTimeOffset t, DateTimeOffset min, DateTimeOffset max) => t < min ? min : t > max ? max : t;
}
