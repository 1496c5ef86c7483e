namespace Tally.StripeEmulator.Core;

public static class StripeApi
{
    /// <summary>The API version Stripe.net 53.1.0 pins; events carry it so <c>ConstructEvent</c>'s check passes.</summary>
    public const string Version = "2026-10-28.endive";
}
