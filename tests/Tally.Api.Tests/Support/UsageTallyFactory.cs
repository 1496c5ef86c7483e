using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Usage;

namespace Tally.Api.Tests.Support;

/// <summary>
/// Tally on the emulator with the usage flusher's timer off: a test delivers pending usage when it
/// chooses, with <see cref="FlushAsync"/> (the flusher's own code), so what it asserts never races a tick.
/// </summary>
public class UsageTallyFactory : StripeTallyFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Usage:FlusherEnabled"] = "false";
            settings["Usage:StripeRatePerSecond"] = "1000";
            settings["Usage:RetryDelay"] = "00:00:00.010";
            return settings;
        }
    }

    /// <summary>Flushes until nothing more is sent in one go; returns how many batches were sent.</summary>
    public async Task<int> FlushAsync()
    {
        var flusher = Services.GetRequiredService<UsageFlusher>();
        var total = 0;
        int sent;
        while ((sent = await flusher.FlushOnceAsync(TestContext.Current.CancellationToken)) > 0)
        {
            total += sent;
        }

        return total;
    }

    /// <summary>Stripe's (the emulator's) total for a customer on the test meter over [start, end).</summary>
    public decimal StripeTotal(string customerId, DateTimeOffset start, DateTimeOffset end) =>
        Emulator.Control.MeterTotal(ApiKey, customerId, MeterId, start, end);
}
