using System.Net;
using System.Text.Json.Nodes;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Catalog;

public sealed class PriceTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(StripeClient, Product)> WithProduct(EmulatorFixture fx, string key)
    {
        var client = fx.Client(key);
        return (client, await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "API" }, cancellationToken: Ct));
    }

    /// <summary>Puts an active meter in the account's store, where the meter lookup reads it.</summary>
    private string AddMeter(string key, string status = "active") =>
        fx.Server.Control.WithAccount(key, a =>
        {
            var id = "mtr_test_" + Guid.NewGuid().ToString("N")[..12];
            a.Store["billing.meter"].Add(new JsonObject { ["id"] = id, ["object"] = "billing.meter", ["status"] = status, ["event_name"] = "api_requests" });
            return id;
        });

    [Fact]
    public async Task Licensed_Recurring_Price_HasStripeDefaults()
    {
        var (client, product) = await WithProduct(fx, EmulatorFixture.NewKey());
        var price = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "USD", UnitAmount = 2000, Product = product.Id, Recurring = new PriceRecurringOptions { Interval = "month" },
        }, cancellationToken: Ct);
        StrictParse.Check(price);
        Assert.StartsWith("price_", price.Id);
        Assert.Equal("usd", price.Currency);
        Assert.Equal("recurring", price.Type);
        Assert.Equal(2000, price.UnitAmount);
        Assert.Equal(2000m, price.UnitAmountDecimal);
        Assert.Equal(1, price.Recurring.IntervalCount);
        Assert.Equal("licensed", price.Recurring.UsageType);
        Assert.Equal("per_unit", price.BillingScheme);
        Assert.Equal(product.Id, price.ProductId);
        Assert.True(price.Active);
    }

    [Fact]
    public async Task Metered_WithoutMeter_Is400NamingRecurringMeter()
    {
        var (client, product) = await WithProduct(fx, EmulatorFixture.NewKey());
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmountDecimal = 0.5m, Product = product.Id,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered" },
        }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("recurring[meter]", e.StripeError.Param);
    }

    [Fact]
    public async Task Metered_WithUnknownOrInactiveMeter_Is400()
    {
        var key = EmulatorFixture.NewKey();
        var (client, product) = await WithProduct(fx, key);
        var unknown = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmount = 1, Product = product.Id,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = "mtr_missing" },
        }, cancellationToken: Ct));
        Assert.Equal(("resource_missing", "recurring[meter]"), (unknown.StripeError.Code, unknown.StripeError.Param));

        var inactive = AddMeter(key, "inactive");
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmount = 1, Product = product.Id,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = inactive },
        }, cancellationToken: Ct));
        Assert.Equal("recurring[meter]", e.StripeError.Param);
    }

    [Fact]
    public async Task Metered_WithMeter_AndDecimalAmount()
    {
        var key = EmulatorFixture.NewKey();
        var (client, product) = await WithProduct(fx, key);
        var meter = AddMeter(key);
        var price = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmountDecimal = 0.5m, Product = product.Id,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = meter },
        }, cancellationToken: Ct);
        Assert.Equal("metered", price.Recurring.UsageType);
        Assert.Equal(meter, price.Recurring.Meter);
        Assert.Null(price.UnitAmount);
        Assert.Equal(0.5m, price.UnitAmountDecimal);
        var raw = price.StripeResponse.Content;
        Assert.Contains("\"unit_amount_decimal\":\"0.5\"", raw);
        Assert.Contains("\"unit_amount\":null", raw);
    }

    [Fact]
    public async Task Update_AllowsOnlyMutableFields()
    {
        var (client, product) = await WithProduct(fx, EmulatorFixture.NewKey());
        var price = await client.V1.Prices.CreateAsync(new PriceCreateOptions { Currency = "usd", UnitAmount = 500, Product = product.Id }, cancellationToken: Ct);
        var updated = await client.V1.Prices.UpdateAsync(price.Id, new PriceUpdateOptions { Nickname = "Five", Active = false, Metadata = new() { ["tier"] = "a" } }, cancellationToken: Ct);
        Assert.Equal("Five", updated.Nickname);
        Assert.False(updated.Active);
        Assert.Equal(500, updated.UnitAmount);

        var options = new PriceUpdateOptions();
        options.AddExtraParam("unit_amount", "900");
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.UpdateAsync(price.Id, options, cancellationToken: Ct));
        Assert.Equal(("parameter_unknown", "unit_amount"), (e.StripeError.Code, e.StripeError.Param));
        Assert.Equal(500, (await client.V1.Prices.GetAsync(price.Id, cancellationToken: Ct)).UnitAmount);
        var events = await client.V1.Events.ListAsync(new EventListOptions { Type = "price.updated" }, cancellationToken: Ct);
        Assert.Single(events.Data);
    }

    [Fact]
    public async Task LookupKey_IsUnique_UnlessTransferred_AndListFilters()
    {
        var (client, product) = await WithProduct(fx, EmulatorFixture.NewKey());
        var monthly = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmount = 1000, Product = product.Id, LookupKey = "pro", Recurring = new() { Interval = "month" },
        }, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmount = 1200, Product = product.Id, LookupKey = "pro",
        }, cancellationToken: Ct));
        Assert.Equal("lookup_key", e.StripeError.Param);
        var moved = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmount = 1200, Product = product.Id, LookupKey = "pro", TransferLookupKey = true,
        }, cancellationToken: Ct);

        Assert.Null((await client.V1.Prices.GetAsync(monthly.Id, cancellationToken: Ct)).LookupKey);
        var byKey = await client.V1.Prices.ListAsync(new PriceListOptions { LookupKeys = ["pro"] }, cancellationToken: Ct);
        Assert.Equal(moved.Id, Assert.Single(byKey.Data).Id);
        var recurring = await client.V1.Prices.ListAsync(new PriceListOptions { Type = "recurring", Product = product.Id, Active = true }, cancellationToken: Ct);
        Assert.Equal(monthly.Id, Assert.Single(recurring.Data).Id);
        var oneTime = await client.V1.Prices.ListAsync(new PriceListOptions { Type = "one_time" }, cancellationToken: Ct);
        Assert.Equal(moved.Id, Assert.Single(oneTime.Data).Id);
    }

    [Fact]
    public async Task Tiered_Price_ReturnsTiersOnlyWhenExpanded()
    {
        var (client, product) = await WithProduct(fx, EmulatorFixture.NewKey());
        var price = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = product.Id, BillingScheme = "tiered", TiersMode = "graduated",
            Recurring = new() { Interval = "month" },
            Tiers = [new PriceTierOptions { UpTo = 1000, UnitAmount = 2 }, new PriceTierOptions { UpTo = PriceTierUpTo.Inf, UnitAmountDecimal = 0.5m }],
        }, cancellationToken: Ct);
        Assert.Null(price.Tiers);
        Assert.Equal("graduated", price.TiersMode);
        var expanded = await client.V1.Prices.GetAsync(price.Id, new PriceGetOptions { Expand = ["tiers"] }, cancellationToken: Ct);
        Assert.Equal(2, expanded.Tiers.Count);
        Assert.Equal(1000, expanded.Tiers[0].UpTo);
        Assert.Null(expanded.Tiers[1].UpTo);
        Assert.Equal(0.5m, expanded.Tiers[1].UnitAmountDecimal);
    }

    [Fact]
    public async Task BothAmounts_Is400_AndAggregateUsage_IsUnknown()
    {
        var (client, product) = await WithProduct(fx, EmulatorFixture.NewKey());
        var both = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = product.Id, UnitAmount = 1, UnitAmountDecimal = 1.5m,
        }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, both.HttpStatusCode);
        var options = new PriceCreateOptions { Currency = "usd", Product = product.Id, UnitAmount = 1, Recurring = new() { Interval = "month" } };
        options.AddExtraParam("recurring[aggregate_usage]", "sum");
        var legacy = await Assert.ThrowsAsync<StripeException>(() => client.V1.Prices.CreateAsync(options, cancellationToken: Ct));
        Assert.Equal("parameter_unknown", legacy.StripeError.Code);
    }

    [Fact]
    public async Task CustomUnitAmount_Price_HasNoFixedAmount()
    {
        var (client, product) = await WithProduct(fx, EmulatorFixture.NewKey());
        var price = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = product.Id,
            CustomUnitAmount = new PriceCustomUnitAmountOptions { Enabled = true, Minimum = 500, Preset = 1000 },
        }, cancellationToken: Ct);
        Assert.Null(price.UnitAmount);
        Assert.Null(price.UnitAmountDecimal);
        Assert.Equal(500, price.CustomUnitAmount.Minimum);
        Assert.Equal(1000, price.CustomUnitAmount.Preset);
        Assert.Equal("one_time", price.Type);
    }
}
