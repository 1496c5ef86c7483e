using System.ComponentModel.DataAnnotations;

namespace Tally.Api.Features.Webhooks;

/// <summary>Tuning of the webhook processor (configuration section <c>Webhooks</c>, e.g. <c>Webhooks__ProcessorEnabled=false</c>).</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Off: events are still verified and stored, nobody processes them (another instance may).</summary>
    public bool ProcessorEnabled { get; set; } = true;

    [Range(1, 5000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Stripe re-fetches at once; and objects written at once when a batch is written object by object
    /// on PostgreSQL (SQLite has one writer: always 1).
    /// </summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 8;

    /// <summary>Attempts of an event failing permanently (a Stripe 4xx, bad data) before it ends <c>failed</c>.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before the first retry; doubles per attempt, capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long an event failing transiently (Stripe unreachable, 5xx, 429, timeouts) keeps being retried,
    /// counted in back-off since its first failure: Stripe itself retries a delivery for three days.
    /// </summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long a claim lasts: a crashed instance's rows are taken over after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Polling period besides the wake-up signal of the intake (retries fall due on their own).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
