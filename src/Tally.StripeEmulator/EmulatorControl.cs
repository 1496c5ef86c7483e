using System.Collections.Concurrent;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator;

/// <summary>Test and dev controls: faults, outage, webhook switches, inspection.</summary>
public sealed class EmulatorControl
{
    private readonly Emulator _emulator;
    private readonly List<FaultRule> _faults = [];
    private readonly Random _random;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<WebhookDeliveryRecord> _deliveries = new();
    private readonly int _maxRequests;

    internal EmulatorControl(Emulator emulator, StripeEmulatorOptions options)
    {
        _emulator = emulator;
        _random = new Random(options.RandomSeed);
        _maxRequests = Math.Max(1, options.MaxRecordedRequests);
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
        lock (_faults) _faults.Add(rule);
    }

    /// <summary>The next <paramref name="count"/> requests under <paramref name="pathPrefix"/> fail with <paramref name="kind"/>.</summary>
    public void FailNext(string pathPrefix, int count, FaultKind kind = FaultKind.ServerError, string? method = null) =>
        AddFault(new FaultRule { PathPrefix = pathPrefix, Remaining = count, Kind = kind, Method = method });

    public void ClearFaults()
    {
        lock (_faults) _faults.Clear();
    }

    internal (FaultKind? Error, TimeSpan Latency, Task? Hold) Evaluate(string method, string path)
    {
        FaultKind? error = null;
        var latency = TimeSpan.Zero;
        Task? hold = null;
        lock (_faults)
        {
            foreach (var rule in _faults)
            {
                if (rule.Remaining is <= 0) continue;
                if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
                if (!path.StartsWith(rule.PathPrefix, StringComparison.Ordinal)) continue;
                if (rule.Kind != FaultKind.Latency && error is not null) continue;
                if (rule.Rate < 1.0 && _random.NextDouble() >= rule.Rate) continue;
                if (rule.Remaining is not null) rule.Remaining--;
                if (rule.Kind == FaultKind.Latency)
                {
                    latency += rule.Latency;
                    if (rule.HoldUntil is { } gate) hold = hold is null ? gate : Task.WhenAll(hold, gate);
                }
                else error = rule.Kind;
            }
            _faults.RemoveAll(r => r.Remaining is <= 0);
        }
        return (error, latency, hold);
    }

    internal int NextRandom(int maxExclusive)
    {
        lock (_faults) return _random.Next(maxExclusive);
    }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public void ClearRequests() => _requests.Clear();

    internal void Record(RecordedRequest request)
    {
        _requests.Enqueue(request);
        while (_requests.Count > _maxRequests && _requests.TryDequeue(out _)) { }
    }

    public IReadOnlyList<WebhookDeliveryRecord> WebhookDeliveries => _deliveries.ToArray();

    public void ClearWebhookDeliveries() => _deliveries.Clear();

    internal void Record(WebhookDeliveryRecord delivery)
    {
        _deliveries.Enqueue(delivery);
        while (_deliveries.Count > _maxRequests && _deliveries.TryDequeue(out _)) { }
    }

    /// <summary>Webhook deliveries queued or waiting for a retry.</summary>
    public int PendingWebhooks => _emulator.Webhooks.Pending;

    /// <summary>Forgets every account and object (the request log and faults stay).</summary>
    public void ResetState()
    {
        _emulator.ResetAccounts();
        _emulator.MarkDirty();
    }

    /// <summary>
    /// "Now" in an account as the emulator sees it: the frozen time of a test clock, or of the clock a
    /// customer is on, else the emulator clock.
    /// </summary>
    public DateTimeOffset Now(string apiKey, string? customerOrClockId = null)
    {
        var account = _emulator.AccountFor(apiKey);
        lock (account.Sync) return account.Now(customerOrClockId);
    }

    /// <summary>Aggregated meter usage for a customer, as the billing module computes it.</summary>
    public decimal MeterTotal(string apiKey, string customerId, string meterIdOrEventName, DateTimeOffset start, DateTimeOffset end)
    {
        var hook = _emulator.Hooks.MeterTotal ?? throw new InvalidOperationException("The billing module has not registered a meter-total hook.");
        var account = _emulator.AccountFor(apiKey);
        lock (account.Sync) return hook(account, customerId, meterIdOrEventName, start, end);
    }

    /// <summary>Runs <paramref name="action"/> on an account's state under its lock (tests and dev tools).</summary>
    internal T WithAccount<T>(string apiKey, Func<Account, T> action)
    {
        var account = _emulator.AccountFor(apiKey);
        lock (account.Sync) return action(account);
    }
}
