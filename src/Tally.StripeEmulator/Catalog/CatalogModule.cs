using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary>Customers, payment methods, products, prices, coupons.</summary>
internal sealed class CatalogModule : IResourceModule
{
    public string Name => "catalog";

    public void Initialize(Emulator emulator)
    {
        var x = emulator.Expansions;
        x.Register("customer", "invoice_settings.default_payment_method");
        x.Register("customer", "default_source");
        x.Register("customer", "test_clock");
        x.Register("payment_method", "customer");
        x.Register("price", "product");
        x.Register("product", "default_price");
        x.RegisterIncludable("price", "tiers");
    }

    public void Map(RouteTable routes)
    {
        Customers.Map(routes);
        PaymentMethods.Map(routes);
        Products.Map(routes);
        Prices.Map(routes);
        Coupons.Map(routes);
    }
}
