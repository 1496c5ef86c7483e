using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Features.Usage;

/// <summary>What the pipeline last did, for <c>/api/admin/usage/health</c> (per instance).</summary>
internal sealed class UsagePipelineState
{
    public DateTimeOffset? LastFlushAt { get; set; }

    public string? LastStripeError { get; set; }
}

/// <summary>Stripe's rate limit for meter events, shared by every flush of this instance (made on the first send).</summary>
internal sealed class MeterEventRateLimit(IOptions<UsageOptions> options) : IDisposable
{
    private readonly Lazy<TokenBucketRateLimiter> limiter = new(() => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = (int)Math.Max(1, Math.Floor(options.Value.StripeRatePerSecond)),
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1 / options.Value.StripeRatePerSecond),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    }));

    public async Task WaitAsync(CancellationToken ct)
    {
        using var lease = await limiter.Value.AcquireAsync(1, ct);
    }

    public void Dispose()
    {
        if (limiter.IsValueCreated)
        {
            limiter.Value.Dispose();
        }
    }
}

/// <summary>
/// The second half of delivery: sends the open batches that are due, one meter event each, and closes
/// each in the transaction that marks its records reported. A batch is claimed with a lease, so two
/// instances never send it at once; a crash leaves it open, and it is sent again, identical, when the
/// lease ends. Unavailable Stripe: back off and retry; a refusal: the batch and its records fail.
/// </summary>
internal sealed class UsageSending(
    TallyDbContext db, StripeGateway gateway, MeterEventRateLimit rate, UsagePipelineState state, IOptions<UsageOptions> options, TimeProvider clock,
    TallyMetrics metrics, ILogger<UsageSending> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    public async Task<int> SendDueAsync(string owner, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var due = await db.Set<UsageBatch>().AsNoTracking()
            .Where(b => b.Status == BatchStatus.Open && b.NextAttemptAt <= now && (b.LockedUntil == null || b.LockedUntil < now))
            .OrderBy(b => b.CreatedAt).Take(o.MaxBatchesPerFlush).ToListAsync(ct);
        var sent = 0;
        foreach (var batch in due)
        {
            var claimed = await db.Set<UsageBatch>()
                .Where(b => b.Id == batch.Id && b.Status == BatchStatus.Open && (b.LockedUntil == null || b.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.LockedBy, owner).SetProperty(b => b.LockedUntil, now + o.Lease), ct);
            if (claimed == 1)
            {
                try
                {
                    await SendAsync(batch, owner, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Shutting down mid-send: release the claim so the next flush (this instance restarted, or
                    // another) sends the batch at once, with the same identifier, instead of after the lease.
                    await db.Set<UsageBatch>().Where(b => b.Id == batch.Id && b.LockedBy == owner && b.Status == BatchStatus.Open)
                        .ExecuteUpdateAsync(s => s.SetProperty(b => b.LockedBy, (string?)null).SetProperty(b => b.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
                    throw;
                }

                sent++;
            }
        }

        return sent;
    }

    private async Task SendAsync(UsageBatch batch, string owner, CancellationToken ct)
    {
        using var span = await StartSpanAsync(batch, ct);
        if (span is not null)
        {
            System.Diagnostics.Activity.Current = span; // set inside StartSpanAsync, it did not flow back out of it
        }
        StripeResult<string> result;
        if (batch.Value == 0)
        {
            result = StripeResult<string>.Ok(batch.Id);
        }
        else
        {
            await rate.WaitAsync(ct);
            result = await gateway.SendMeterEventAsync(batch.MeterEventName, batch.Id, batch.StripeCustomerId, batch.Value, batch.Timestamp, ct);
        }

        var now = clock.GetUtcNow();
        switch (result.Outcome)
        {
            case StripeOutcome.Ok:
                if (batch.Value != 0)
                {
                    metrics.MeterEvent(sent: true);
                }

                await FinishAsync(batch.Id, owner, BatchStatus.Sent, UsageStatus.Reported, null, now, ct);
                break;
            case StripeOutcome.Unavailable:
                metrics.MeterEvent(sent: false, "unavailable");
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "unavailable");
                state.LastStripeError = result.Message;
                var delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, options.Value.RetryDelay.Ticks * (1L << Math.Min(16, batch.Attempts))));
                await db.Set<UsageBatch>().Where(b => b.Id == batch.Id && b.LockedBy == owner).ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.Attempts, b => b.Attempts + 1).SetProperty(b => b.NextAttemptAt, now + delay)
                    .SetProperty(b => b.LastError, Truncate(result.Message)).SetProperty(b => b.LockedBy, (string?)null)
                    .SetProperty(b => b.LockedUntil, (DateTimeOffset?)null), ct);
                break;
            default:
                metrics.MeterEvent(sent: false, "refused");
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "refused");
                state.LastStripeError = result.Message;
                logger.LogWarning("Stripe refused usage batch {UsageBatchId}: {Error}", batch.Id, result.Message);
                await FinishAsync(batch.Id, owner, BatchStatus.Failed, UsageStatus.Failed, Truncate(result.Message), now, ct);
                break;
        }
    }

    /// <summary>
    /// The batch's span (only while tracing is on): a child of the trace of its first record's request,
    /// linked to the traces of the others (up to 32), so a report and its delivery share one trace id.
    /// </summary>
    private async Task<System.Diagnostics.Activity?> StartSpanAsync(UsageBatch batch, CancellationToken ct)
    {
        if (!TallyTelemetry.Source.HasListeners())
        {
            return null;
        }

        var parents = await db.Set<UsageRecord>().AsNoTracking().Where(r => r.BatchId == batch.Id && r.TraceParent != null)
            .OrderBy(r => r.Id).Select(r => r.TraceParent!).Take(32).ToListAsync(ct);
        var contexts = parents.Select(p => System.Diagnostics.ActivityContext.TryParse(p, null, out var c) ? c : default).Where(c => c != default).Distinct().ToList();
        var span = TallyTelemetry.Source.StartActivity("usage flush batch", System.Diagnostics.ActivityKind.Internal,
            contexts.FirstOrDefault(), links: contexts.Skip(1).Select(c => new System.Diagnostics.ActivityLink(c)));
        span?.SetTag("tally.usage.batch_id", batch.Id);
        return span;
    }

    /// <summary>Closes the batch (fenced by the claim) and sets its records' status, in one transaction.</summary>
    private async Task FinishAsync(string batchId, string owner, string batchStatus, string recordStatus, string? error, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var closed = await db.Set<UsageBatch>().Where(b => b.Id == batchId && b.LockedBy == owner && b.Status == BatchStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, batchStatus).SetProperty(b => b.SentAt, now).SetProperty(b => b.LastError, error)
                .SetProperty(b => b.LockedBy, (string?)null).SetProperty(b => b.LockedUntil, (DateTimeOffset?)null), ct);
        if (closed == 1)
        {
            await db.Set<UsageRecord>().Where(r => r.BatchId == batchId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, recordStatus)
                .SetProperty(r => r.ReportedAt, r => recordStatus == UsageStatus.Reported ? now : r.ReportedAt)
                .SetProperty(r => r.Note, r => error ?? r.Note), ct);
        }

        await tx.CommitAsync(ct);
    }

    private static string? Truncate(string? text) => text is { Length: > 1000 } ? text[..1000] : text;
}
