using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary>Customers, payment methods, products, prices, coupons.</summary>
internal sealed class CatalogModule : IResourceModule
{
    public string Name => "catalog";

    public void Initialize(Emulator emulator)
    {
    }

    public void Map(RouteTable routes)
    {
    }
}
