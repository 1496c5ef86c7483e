using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Mirror;

public sealed class MirrorDiscountTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubscriptionWithACoupon_IsMirroredWithItsDiscount()
    {
        var coupon = await factory.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 25m, Duration = "repeating", DurationInMonths = 3 }, cancellationToken: Ct);
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"coupon-{Guid.NewGuid():N}@example.com" }, cancellationToken: Ct);
        var subscription = await factory.Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id,
            Items = [new SubscriptionItemOptions { Price = factory.PriceId }],
            Discounts = [new SubscriptionDiscountOptions { Coupon = coupon.Id }],
        }, cancellationToken: Ct);

        var discount = await Eventually.ValueAsync(() => factory.WithDbAsync(db => db.Set<SubscriptionDiscount>().AsNoTracking()
            .FirstOrDefaultAsync(d => d.StripeSubscriptionId == subscription.Id, Ct)), d => d is not null,
            "the customer.subscription.created webhook to mirror the discount");

        Assert.NotNull(discount);
        Assert.Equal(coupon.Id, discount.CouponId);
        Assert.Equal(25m, discount.PercentOff);
        Assert.Equal(("repeating", 3L), (discount.Duration, discount.DurationInMonths!.Value));
    }
}
