using System.Net.Http.Json;
using System.Text.Json;
using Stripe;
using Stripe.TestHelpers;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Revenue.RevenueTests;

namespace Tally.Api.Tests.Revenue;

/// <summary>Usage revenue of a metered-only customer, and a coupon that ends, read as they were at each instant.</summary>
public sealed class RevenueUsageTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static readonly DateTime Start = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> RevenueAtAsync(DateTime asOf)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        return await admin.GetFromJsonAsync<JsonElement>($"/api/admin/revenue?as_of={asOf:yyyy-MM-ddTHH:mm:ssZ}", TallyFactory.Json, Ct);
    }

    [Fact]
    public async Task MeteredOnlyCustomer_HasNoMrr_AndTheUsageOfItsLastCompletedPeriod()
    {
        var clock = await factory.Stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = Start }, cancellationToken: Ct);
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "metered-only@revenue.example", TestClock = clock.Id, PaymentMethod = "pm_card_visa",
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = "pm_card_visa" },
        }, cancellationToken: Ct);
        await factory.Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = factory.PriceId }],
        }, cancellationToken: Ct);
        await PaidInvoice.AdvanceAsync(factory, clock.Id, Start.AddDays(10));
        await factory.Stripe.V1.Billing.MeterEvents.CreateAsync(new global::Stripe.Billing.MeterEventCreateOptions
        {
            EventName = StripeTallyFactory.MeterEventName, Identifier = "metered-only-march", Timestamp = Start.AddDays(10),
            Payload = new() { ["stripe_customer_id"] = customer.Id, ["value"] = "1234" },
        }, cancellationToken: Ct);
        await PaidInvoice.AdvanceAsync(factory, clock.Id, Start.AddMonths(1).AddHours(2));
        await WebhookKit.DrainedAsync(factory);

        var during = await RevenueAtAsync(Start.AddDays(20));
        var after = await RevenueAtAsync(Start.AddMonths(1).AddHours(2));

        Assert.Equal((0m, 0m), (Dec(during, "by_currency.usd.mrr"), Dec(during, "by_currency.usd.usage_mrr")));
        Assert.Equal(0m, Dec(after, "mrr"));
        Assert.Equal(0, after.GetProperty("active_subscriptions").GetInt32());
        Assert.Equal(24.68m, Dec(after, "usage_mrr"));
        Assert.Equal(24.68m, Dec(after, "mrr_including_usage"));
    }

    [Fact]
    public async Task Discounts_AreSeenAsTheyWere_BeforeAndAfterTheyStop()
    {
        var at = Start.AddYears(1);
        var clock = await factory.Stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = at }, cancellationToken: Ct);
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "discounted@revenue.example", TestClock = clock.Id, PaymentMethod = "pm_card_visa",
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = "pm_card_visa" },
        }, cancellationToken: Ct);
        var product = await factory.Stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Seat" }, cancellationToken: Ct);
        var price = await factory.Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "usd", UnitAmount = 1000, Recurring = new PriceRecurringOptions { Interval = "month" },
        }, cancellationToken: Ct);
        var half = await factory.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 50m, Duration = "forever" }, cancellationToken: Ct);
        var subscription = await factory.Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = price.Id }], Discounts = [new SubscriptionDiscountOptions { Coupon = half.Id }],
        }, cancellationToken: Ct);
        await PaidInvoice.AdvanceAsync(factory, clock.Id, at.AddDays(10));
        // Tally reads a discount's terms from the subscription it re-fetches (event payloads name discounts by id
        // only), so it must have processed the subscription while the discount was on it, as it does in real time.
        await WebhookKit.DrainedAsync(factory);
        await factory.Stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { Discounts = [] }, cancellationToken: Ct);
        await PaidInvoice.AdvanceAsync(factory, clock.Id, at.AddDays(20));
        await WebhookKit.DrainedAsync(factory);

        var before = await RevenueAtAsync(at.AddDays(5));
        var after = await RevenueAtAsync(at.AddDays(15));

        Assert.Equal(5.00m, Dec(before, "by_currency.usd.mrr"));
        Assert.Equal(10.00m, Dec(after, "by_currency.usd.mrr"));
    }
}
