using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Billing;

/// <summary>Meters, meter events, subscriptions, invoices, test clocks. Owned by the billing part; see Core/README.md.</summary>
internal sealed class BillingModule : IResourceModule
{
    public string Name => "billing";

    public void Map(RouteTable routes)
    {
    }
}
