using System.Collections.Concurrent;
using Tally.StripeEmulator.Billing.Metering;

namespace Tally.StripeEmulator.Billing.Domain;

/// <summary>
/// Stateful billing: subscriptions, invoices, test clocks and meters. Everything except meter
/// usage is guarded by one lock (billing writes are rare and must be atomic with their events);
/// the meter-event hot path only reads <see cref="MetersByEvent"/> and <see cref="Clocks"/>, which
/// are concurrent, and writes the lock-striped <see cref="MeterUsageStore"/>.
/// </summary>
internal sealed partial class BillingEngine(IBillingHost host, MeterUsageStore usage)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> invoiceCounters = [];
    private long sequence;

    public IBillingHost Host { get; } = host;
    public MeterUsageStore Usage { get; } = usage;
    public Dictionary<string, Subscription> Subscriptions { get; } = [];
    public Dictionary<string, Invoice> Invoices { get; } = [];
    public ConcurrentDictionary<string, TestClock> Clocks { get; } = new();
    public ConcurrentDictionary<string, Meter> Meters { get; } = new();
    public ConcurrentDictionary<string, Meter> MetersByEvent { get; } = new();

    public Lock Gate => gate;

    /// <summary>Stream events dropped by (asynchronous, in Stripe) validation.</summary>
    public long StreamRejected;

    /// <summary>The customer's "now": its test clock's frozen time, else the real time.</summary>
    public long NowFor(string? customerId)
    {
        if (customerId is not null && Host.FindCustomer(customerId) is { TestClockId: { } clockId }
            && Clocks.TryGetValue(clockId, out var clock))
        {
            return clock.FrozenTime;
        }
        return Host.RealNow.ToUnixTimeSeconds();
    }

    public long NowForClock(string? clockId) =>
        clockId is not null && Clocks.TryGetValue(clockId, out var clock) ? clock.FrozenTime : Host.RealNow.ToUnixTimeSeconds();

    private long NextSequence() => ++sequence;

    private string NextInvoiceNumber(string customerId)
    {
        var prefix = Host.FindCustomer(customerId)?.InvoicePrefix ?? "EMU";
        invoiceCounters.TryGetValue(customerId, out var n);
        invoiceCounters[customerId] = ++n;
        return $"{prefix}-{n:0000}";
    }

    internal BillingCounters ExportCounters() => new(sequence, new Dictionary<string, long>(invoiceCounters));

    internal void ImportCounters(BillingCounters counters)
    {
        sequence = counters.Sequence;
        invoiceCounters.Clear();
        foreach (var (k, v) in counters.InvoiceCounters)
        {
            invoiceCounters[k] = v;
        }
    }
}

internal sealed record BillingCounters(long Sequence, Dictionary<string, long> InvoiceCounters);
