namespace Tally.Api.Tests.Support;

/// <summary>Tally on the emulator with its webhook processor off and a one-second Stripe timeout, so a hung Stripe call ends quickly.</summary>
public sealed class StripeTimeoutTallyFactory : StripeTallyFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Webhooks:ProcessorEnabled"] = "false";
            settings["TALLY_STRIPE_TIMEOUT_SECONDS"] = "1";
            return settings;
        }
    }
}
