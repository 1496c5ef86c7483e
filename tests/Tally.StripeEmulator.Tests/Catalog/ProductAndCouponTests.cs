using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Catalog;

public sealed class ProductAndCouponTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Product_Crud_DefaultPrice_AndDeleteBlockedByPrices()
    {
        var client = fx.NewClient();
        var product = await client.V1.Products.CreateAsync(new ProductCreateOptions
        {
            Name = "Pro", DefaultPriceData = new ProductDefaultPriceDataOptions { Currency = "usd", UnitAmount = 4900, Recurring = new() { Interval = "month" } },
        }, cancellationToken: Ct);
        StrictParse.Check(product);
        Assert.StartsWith("price_", product.DefaultPriceId);
        var expanded = await client.V1.Products.GetAsync(product.Id, new ProductGetOptions { Expand = ["default_price"] }, cancellationToken: Ct);
        Assert.Equal(4900, expanded.DefaultPrice.UnitAmount);

        var updated = await client.V1.Products.UpdateAsync(product.Id, new ProductUpdateOptions { Name = "Pro+", Active = false }, cancellationToken: Ct);
        Assert.Equal("Pro+", updated.Name);
        Assert.Empty((await client.V1.Products.ListAsync(new ProductListOptions { Active = true }, cancellationToken: Ct)).Data);

        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Products.DeleteAsync(product.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        var bare = await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Bare", Id = "prod_custom" }, cancellationToken: Ct);
        Assert.Equal("prod_custom", bare.Id);
        Assert.True((await client.V1.Products.DeleteAsync(bare.Id, cancellationToken: Ct)).Deleted);
    }

    [Fact]
    public async Task Coupon_PercentRepeating_AndAmountOff()
    {
        var client = fx.NewClient();
        var percent = await client.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 25.5m, Duration = "repeating", DurationInMonths = 3, Name = "Spring" }, cancellationToken: Ct);
        StrictParse.Check(percent);
        Assert.Equal((25.5m, "repeating", 3L), (percent.PercentOff!.Value, percent.Duration, percent.DurationInMonths!.Value));
        Assert.Null(percent.AmountOff);
        Assert.True(percent.Valid);

        var amount = await client.V1.Coupons.CreateAsync(new CouponCreateOptions { Id = "FIVEOFF", AmountOff = 500, Currency = "USD", Duration = "forever" }, cancellationToken: Ct);
        Assert.Equal(("FIVEOFF", 500L, "usd"), (amount.Id, amount.AmountOff!.Value, amount.Currency));

        var renamed = await client.V1.Coupons.UpdateAsync("FIVEOFF", new CouponUpdateOptions { Name = "Five off" }, cancellationToken: Ct);
        Assert.Equal("Five off", renamed.Name);
        Assert.Equal(2, (await client.V1.Coupons.ListAsync(cancellationToken: Ct)).Data.Count);
        Assert.True((await client.V1.Coupons.DeleteAsync("FIVEOFF", cancellationToken: Ct)).Deleted);
        var gone = await Assert.ThrowsAsync<StripeException>(() => client.V1.Coupons.GetAsync("FIVEOFF", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
    }

    [Theory]
    [InlineData(null, 500L, null, "once", null, "currency")]
    [InlineData(10.0, null, null, "repeating", null, "duration_in_months")]
    [InlineData(null, null, null, "once", null, "percent_off")]
    [InlineData(150.0, null, null, "once", null, "percent_off")]
    [InlineData(10.0, null, null, "forever", 2L, "duration_in_months")]
    public async Task Coupon_Invalid_Is400NamingParam(double? percentOff, long? amountOff, string? currency, string duration, long? months, string param)
    {
        var e = await Assert.ThrowsAsync<StripeException>(() => fx.NewClient().V1.Coupons.CreateAsync(new CouponCreateOptions
        {
            PercentOff = (decimal?)percentOff, AmountOff = amountOff, Currency = currency, Duration = duration, DurationInMonths = months,
        }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal(param, e.StripeError.Param);
    }
}
