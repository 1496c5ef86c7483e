using Stripe;
using Stripe.TestHelpers;

namespace Tally.StripeEmulator.Tests.Billing;

[Collection(BillingCollection.Name)]
public sealed class DiscountExpandTests(BillingFixture f)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubscriptionDiscounts_ExpandDownToTheCoupon_OnGetAndList()
    {
        var stripe = f.Client(BillingFixture.NewKey());
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = BillingCycleTests.T0 }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id, "pm_card_visa");
        var price = await CatalogSeed.PriceAsync(stripe, 1000);
        var coupon = await stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 25m, Duration = "forever" }, cancellationToken: Ct);
        var created = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
            Discounts = [new SubscriptionDiscountOptions { Coupon = coupon.Id }],
        }, cancellationToken: Ct);

        var got = await stripe.V1.Subscriptions.GetAsync(created.Id,
            new SubscriptionGetOptions { Expand = ["discounts", "discounts.source.coupon"] }, cancellationToken: Ct);
        var listed = (await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions
        {
            Customer = customer, Expand = ["data.discounts", "data.discounts.source.coupon"],
        }, cancellationToken: Ct)).Data.Single();

        foreach (var subscription in new[] { got, listed })
        {
            var discount = Assert.Single(subscription.Discounts);
            Assert.Equal(created.DiscountIds[0], discount.Id);
            Assert.Equal(coupon.Id, discount.Source.Coupon.Id);
            Assert.Equal(25m, discount.Source.Coupon.PercentOff);
        }
    }
}
