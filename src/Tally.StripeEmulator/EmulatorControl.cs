using System.Collections.Concurrent;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator;

/// <summary>Test and dev controls: faults, outage, webhook switches, inspection.</summary>
public sealed class EmulatorControl
{
    private readonly Emulator emulator;
    private readonly List<FaultRule> faults = [];
    private readonly Random random;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentQueue<WebhookDeliveryRecord> deliveries = new();
    private readonly int maxRequests;

    internal EmulatorControl(Emulator emulator, StripeEmulatorOptions options)
    {
        this.emulator = emulator;
        random = new Random(options.RandomSeed);
        maxRequests = Math.Max(1, options.MaxRecordedRequests);
        DeliverTwice = options.DeliverTwice;
        ShuffleDelivery = options.ShuffleDelivery;
    }

    public OutageMode Outage { get; set; }

    public bool DeliverTwice { get; set; }

    public bool ShuffleDelivery { get; set; }

    /// <summary>Holds webhook deliveries in the queue until set back to false (lets a test queue a batch, then release it).</summary>
    public bool WebhooksPaused { get; set; }

    public void AddFault(FaultRule rule)
    {
        lock (faults)
        {
            faults.Add(rule);
        }
    }

    /// <summary>The next <paramref name="count"/> requests under <paramref name="pathPrefix"/> fail with <paramref name="kind"/>.</summary>
    public void FailNext(string pathPrefix, int count, FaultKind kind = FaultKind.ServerError, string? method = null) =>
        AddFault(new FaultRule { PathPrefix = pathPrefix, Remaining = count, Kind = kind, Method = method });

    public void ClearFaults()
    {
        lock (faults)
        {
            faults.Clear();
        }
    }

    internal (FaultKind? Error, TimeSpan Latency, Task? Hold) Evaluate(string method, string path)
    {
        FaultKind? error = null;
        var latency = TimeSpan.Zero;
        Task? hold = null;
        lock (faults)
        {
            foreach (var rule in faults)
            {
                if (rule.Remaining is <= 0)
                {
                    continue;
                }

                if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!path.StartsWith(rule.PathPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (rule.Kind != FaultKind.Latency && error is not null)
                {
                    continue;
                }

                if (rule.Rate < 1.0 && random.NextDouble() >= rule.Rate)
                {
                    continue;
                }

                if (rule.Remaining is not null)
                {
                    rule.Remaining--;
                }

                if (rule.Kind == FaultKind.Latency)
                {
                    latency += rule.Latency;
                    if (rule.HoldUntil is { } gate)
                    {
                        hold = hold is null ? gate : Task.WhenAll(hold, gate);
                    }
                }
                else
                {
                    error = rule.Kind;
                }
            }
            faults.RemoveAll(r => r.Remaining is <= 0);
        }
        return (error, latency, hold);
    }

    internal int NextRandom(int maxExclusive)
    {
        lock (faults)
        {
            return random.Next(maxExclusive);
        }
    }

    public IReadOnlyList<RecordedRequest> Requests => requests.ToArray();

    public void ClearRequests() => requests.Clear();

    internal void Record(RecordedRequest request)
    {
        requests.Enqueue(request);
        while (requests.Count > maxRequests && requests.TryDequeue(out _))
        { }
    }

    public IReadOnlyList<WebhookDeliveryRecord> WebhookDeliveries => deliveries.ToArray();

    public void ClearWebhookDeliveries() => deliveries.Clear();

    internal void Record(WebhookDeliveryRecord delivery)
    {
        deliveries.Enqueue(delivery);
        while (deliveries.Count > maxRequests && deliveries.TryDequeue(out _))
        { }
    }

    /// <summary>Webhook deliveries queued or waiting for a retry.</summary>
    public int PendingWebhooks => emulator.Webhooks.Pending;

    /// <summary>Forgets every account and object (the request log and faults stay).</summary>
    public void ResetState()
    {
        emulator.ResetAccounts();
        emulator.MarkDirty();
    }

    /// <summary>
    /// "Now" in an account as the emulator sees it: the frozen time of a test clock, or of the clock a
    /// customer is on, else the emulator clock.
    /// </summary>
    public DateTimeOffset Now(string apiKey, string? customerOrClockId = null)
    {
        var account = emulator.AccountFor(apiKey);
        lock (account.Sync)
        {
            return account.Now(customerOrClockId);
        }
    }

    /// <summary>Aggregated meter usage for a customer, as the billing module computes it.</summary>
    public decimal MeterTotal(string apiKey, string customerId, string meterIdOrEventName, DateTimeOffset start, DateTimeOffset end)
    {
        var hook = emulator.Hooks.MeterTotal ?? throw new InvalidOperationException("The billing module has not registered a meter-total hook.");
        var account = emulator.AccountFor(apiKey);
        lock (account.Sync)
        {
            return hook(account, customerId, meterIdOrEventName, start, end);
        }
    }

    /// <summary>Runs <paramref name="action"/> on an account's state under its lock (tests and dev tools).</summary>
    internal T WithAccount<T>(string apiKey, Func<Account, T> action)
    {
        var account = emulator.AccountFor(apiKey);
        lock (account.Sync)
        {
            return action(account);
        }
    }
}
