using System.ComponentModel.DataAnnotations;

namespace Tally.Api.Features.Usage;

/// <summary>Settings of the usage pipeline (section <c>Usage</c>, e.g. <c>Usage__FlushInterval=00:00:05</c>).</summary>
internal sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>Run the background flusher on this instance (every instance may; batches are claimed).</summary>
    public bool FlusherEnabled { get; set; } = true;

    /// <summary><c>aggregate</c>: one meter event per (customer, meter, period) and flush; <c>per_record</c>: one per report.</summary>
    [RegularExpression("^(aggregate|per_record)$")]
    public string Mode { get; set; } = "aggregate";

    /// <summary>How often pending usage is delivered.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>next_period</c>: a report for an invoiced period is delivered into the current one; <c>reject</c>: 422 <c>period_closed</c>.</summary>
    [RegularExpression("^(next_period|reject)$")]
    public string LatePolicy { get; set; } = "next_period";

    /// <summary>
    /// A period stops taking usage this long after it ends: its remainder is rounded and sent, and later
    /// reports for it are late. Stripe finalises the invoice an hour after the period by default, so this
    /// must stay below that grace period.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "71:00:00")]
    public TimeSpan CloseAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Reports waiting to be written; when full, new reports get 503 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Meter events per second at most (Stripe: 25/s in test mode, 100/s live for the basic limit).</summary>
    [Range(0.1, 10_000)]
    public double StripeRatePerSecond { get; set; } = 25;

    /// <summary>Delivery groups (meter events) per flush.</summary>
    [Range(1, 100_000)]
    public int MaxBatchesPerFlush { get; set; } = 1_000;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    public bool PerRecord => Mode == "per_record";

    public bool RejectsLate => LatePolicy == "reject";
}
