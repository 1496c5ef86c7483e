namespace Tally.Api.Tests.Support;

/// <summary>
/// Tally on the emulator with a fast retry schedule (two attempts, 50 ms apart, for permanent and
/// transient failures alike: the transient retry window is 50 ms of back-off), so failures show quickly.
/// </summary>
public sealed class FastRetryTallyFactory : StripeTallyFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Webhooks:MaxAttempts"] = "2";
            settings["Webhooks:RetryDelay"] = "00:00:00.050";
            settings["Webhooks:RetryWindow"] = "00:00:00.050";
            settings["Webhooks:PollInterval"] = "00:00:00.100";
            return settings;
        }
    }
}
