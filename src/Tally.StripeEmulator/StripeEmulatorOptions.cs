namespace Tally.StripeEmulator;

/// <summary>How to start a <see cref="StripeEmulatorServer"/>.</summary>
public sealed class StripeEmulatorOptions
{
    /// <summary>TCP port on <see cref="Host"/>; 0 picks a free port (read it from <see cref="StripeEmulatorServer.BaseUrl"/>).</summary>
    public int Port { get; set; }

    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Snapshot file; null keeps everything in memory. Saved on change (debounced) and on dispose, loaded at start.</summary>
    public string? StatePath { get; set; }

    /// <summary>An endpoint configured at start that receives every event of every account.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Signing secret for <see cref="WebhookUrl"/> (<c>whsec_...</c>); generated when null.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The emulator clock ("now" for objects that are not on a test clock).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Deliver every webhook twice (tests consumer de-duplication). Switchable later via <see cref="EmulatorControl"/>.</summary>
    public bool DeliverTwice { get; set; }

    /// <summary>Deliver queued webhooks in random order (tests order independence).</summary>
    public bool ShuffleDelivery { get; set; }

    /// <summary>Seed for fault rates and shuffling, so a failing run can be replayed.</summary>
    public int RandomSeed { get; set; } = 12111;

    /// <summary>Delivery attempts per webhook (first try included) before giving up.</summary>
    public int WebhookMaxAttempts { get; set; } = 5;

    /// <summary>Back-off before the first retry; doubles per attempt (real time, not emulated).</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Debounce between a change and the snapshot write.</summary>
    public TimeSpan SaveDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many requests <see cref="EmulatorControl.Requests"/> keeps (oldest dropped first).</summary>
    public int MaxRecordedRequests { get; set; } = 20_000;

    /// <summary>
    /// Stop on Ctrl-C / SIGTERM by itself (the standalone program). Embedded, the host application
    /// decides when the emulator stops, so this is off by default.
    /// </summary>
    public bool HandleShutdownSignals { get; set; }

    /// <summary>When set, one line per request (<c>POST /v1/customers 200 req_...</c>); the standalone <c>--verbose</c> uses stdout.</summary>
    public TextWriter? RequestLog { get; set; }

    /// <summary>
    /// What happens to a subscription when every retry of a failed invoice has failed, as Stripe's
    /// "subscription status" setting for failed payments: cancel it (Stripe's default), mark it
    /// <c>unpaid</c>, or leave it <c>past_due</c>.
    /// </summary>
    public FailedPaymentOutcome AfterFailedRetries { get; set; } = FailedPaymentOutcome.Cancel;

    /// <summary>Reject requests whose <c>Stripe-Version</c> header is not <see cref="Core.StripeApi.Version"/>.</summary>
    public bool StrictApiVersion { get; set; }
}

/// <summary>A subscription's status once all payment retries have failed.</summary>
public enum FailedPaymentOutcome
{
    Cancel,
    MarkUnpaid,
    LeavePastDue,
}
