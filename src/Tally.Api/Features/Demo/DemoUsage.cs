using Tally.Api.Features.Usage;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Demo;

/// <summary>A demo subscription with a metered item: whose it is and what usage is reported against.</summary>
internal sealed record DemoMetered(long UserId, string CustomerId, string SubscriptionId, string ItemId);

/// <summary>A month's usage: reports stored, reports already stored under their keys, reports refused because the subscription ended, meter events sent.</summary>
internal sealed record DemoUsageResult(int Accepted, int Duplicates, int Skipped, int MeterEvents);

/// <summary>
/// Reports the demo's usage through the usage pipeline, as its users would: each report goes through
/// <see cref="UsageIntake"/> with the demo user's identity, the subscription item and an idempotency key
/// derived from the month, then into <see cref="UsageLedger"/> (the steps of <c>report_usage/batch</c>,
/// in-process), and <see cref="UsageFlusher"/> delivers it to Stripe while the test clock is still in
/// that month, so it is on that month's invoice. A report made again (a retry) is answered with the
/// stored record and counted once.
/// </summary>
internal sealed class DemoUsage(UsageIntake intake, UsageLedger ledger, UsageFlusher flusher, StripeTime stripeTime, StripeGateway gateway)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private const int PollAttempts = 100;

    public async Task<DemoUsageResult> ReportAsync(IReadOnlyList<DemoMetered> subscriptions, DemoMonth month, int seed, CancellationToken ct)
    {
        var prepared = new List<UsageRecord>();
        var skipped = 0;
        foreach (var s in subscriptions)
        {
            // The intake judges a timestamp against the customer's Stripe time, which Tally reads from the
            // test clock at most once a second: wait until it has seen the clock's last move.
            await StripeTimeReachesAsync(s.CustomerId, month.UsageAt, ct);
            var quantity = DemoCalendar.Quantity(seed, s.SubscriptionId, month.Index);
            var report = new UsageReport(s.UserId, s.CustomerId, quantity, s.ItemId, null, month.UsageAt, month.UsageKey(s.SubscriptionId));
            var (record, problem) = await intake.PrepareAsync(report, ct);
            if (problem is { Code: "no_active_subscription" })
            {
                skipped++; // ended (a failing card) since the seeder last looked
                continue;
            }

            prepared.Add(record ?? throw new InvalidOperationException(
                $"The usage intake refused the report for {s.SubscriptionId}: {problem!.Code} ({problem.Param} {problem.Message})"));
        }

        var stored = await StoreAsync(prepared, ct);
        if (stored.Where((r, i) => r.Duplicate && r.Record.RequestHash != prepared[i].RequestHash).Any())
        {
            throw new InvalidOperationException("A demo usage key was already used for a different report.");
        }

        var sent = await DeliverAsync(prepared, month, ct);
        var duplicates = stored.Count(r => r.Duplicate);
        return new DemoUsageResult(stored.Count - duplicates, duplicates, skipped, sent);
    }

    private async Task<IReadOnlyList<LedgerResult>> StoreAsync(List<UsageRecord> records, CancellationToken ct)
    {
        for (var attempt = 0; records.Count > 0; attempt++)
        {
            if (ledger.TryStore(records, out var stored))
            {
                return await stored.WaitAsync(ct);
            }

            if (attempt == PollAttempts)
            {
                throw new InvalidOperationException("The usage ledger's queue stayed full.");
            }

            await Task.Delay(Poll, ct); // the queue is full (the API's 503): try again shortly
        }

        return [];
    }

    /// <summary>
    /// Flushes until Stripe holds every report of the month (each is its customer's only one at that
    /// minute; one flush sends them all unless Stripe failed). Under <c>serve</c> the background flusher
    /// may be sending one at that very moment, and a failed call waits for its retry: the month ends
    /// only when all have arrived, so they are on the month's invoice.
    /// </summary>
    private async Task<int> DeliverAsync(List<UsageRecord> records, DemoMonth month, CancellationToken ct)
    {
        var sent = 0;
        var waiting = records;
        for (var attempt = 0; waiting.Count > 0; attempt++)
        {
            sent += await flusher.FlushOnceAsync(ct);

            var still = new List<UsageRecord>();
            foreach (var r in waiting)
            {
                if (await gateway.MeterTotalAsync(r.MeterId, r.StripeCustomerId, month.UsageAt, month.UsageAt.AddMinutes(1), ct) != r.Quantity)
                {
                    still.Add(r);
                }
            }

            waiting = still;
            if (waiting.Count > 0 && attempt == PollAttempts)
            {
                throw new InvalidOperationException($"{waiting.Count} usage reports did not reach Stripe within {(Poll * PollAttempts).TotalSeconds} s.");
            }

            if (waiting.Count > 0)
            {
                await Task.Delay(Poll, ct);
            }
        }

        return sent;
    }

    private async Task StripeTimeReachesAsync(string customerId, DateTime at, CancellationToken ct)
    {
        for (var attempt = 0; (await stripeTime.NowAsync(customerId, ct)).UtcDateTime < at; attempt++)
        {
            if (attempt == PollAttempts)
            {
                throw new InvalidOperationException($"Tally did not see the test clock of {customerId} reach {at:O}.");
            }

            await Task.Delay(Poll, ct);
        }
    }
}
