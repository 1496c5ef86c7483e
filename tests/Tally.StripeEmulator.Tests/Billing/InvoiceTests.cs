using System.Net;
using Stripe;
using Stripe.TestHelpers;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Billing;

[Collection(BillingCollection.Name)]
public sealed class InvoiceTests(BillingFixture f)
{
    private static readonly DateTime T0 = BillingCycleTests.T0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("once", 50, null, null, new long[] { 500, 1000, 1000, 1000 })]
    [InlineData("repeating", 10, null, 2L, new long[] { 900, 900, 1000, 1000 })]
    [InlineData("forever", null, 100L, null, new long[] { 900, 900, 900, 900 })]
    public async Task Coupons_ApplyPerDuration_OnEachInvoice(string duration, int? percentOff, long? amountOff, long? months, long[] totals)
    {
        var stripe = f.Client(BillingFixture.NewKey());
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id);
        var price = await CatalogSeed.PriceAsync(stripe, 1000);
        var coupon = await CatalogSeed.CouponAsync(stripe, duration, percentOff, amountOff, months);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
            Discounts = [new SubscriptionDiscountOptions { Coupon = coupon }],
        }, cancellationToken: Ct);
        Assert.Single(sub.DiscountIds);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddMonths(3).AddHours(2));

        var invoices = (await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = sub.Id }, cancellationToken: Ct)).Data.OrderBy(i => i.Created).ToList();
        Assert.Equal(totals, invoices.Select(i => i.Total));
        Assert.All(invoices, i => Assert.Equal(1000, i.Subtotal));
        Assert.All(invoices, i => Assert.Equal("paid", i.Status));
        var first = invoices[0];
        var discount = Assert.Single(first.TotalDiscountAmounts);
        Assert.Equal(1000 - totals[0], discount.Amount);
        Assert.Equal(sub.DiscountIds[0], discount.DiscountId);
        Assert.Equal(1000 - totals[0], first.Lines.Data[0].DiscountAmounts.Single().Amount);

        var firstExpanded = await stripe.V1.Invoices.GetAsync(first.Id, new InvoiceGetOptions { Expand = ["discounts"] }, cancellationToken: Ct);
        var applied = Assert.Single(firstExpanded.Discounts);
        Assert.Equal(T0, applied.Start);
        Assert.Equal(months is null ? null : T0.AddMonths((int)months), applied.End);
        var withDiscounts = await stripe.V1.Subscriptions.GetAsync(sub.Id, new SubscriptionGetOptions { Expand = ["discounts"] }, cancellationToken: Ct);
        var listed = await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = sub.Id, Expand = ["data.discounts"] }, cancellationToken: Ct);
        Assert.Contains(listed.Data, i => i.Discounts.Any(d => d.Id == applied.Id));
        if (duration == "repeating")
        {
            Assert.Empty(withDiscounts.Discounts);
        }
        else
        {
            Assert.Equal(applied.Id, Assert.Single(withDiscounts.Discounts).Id);
        }
    }

    [Fact]
    public async Task GraduatedTieredMeteredPrice_IsPricedPerTier()
    {
        var stripe = f.Client(BillingFixture.NewKey());
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id);
        var meter = await CatalogSeed.MeterAsync(stripe);
        var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Tiered API" }, cancellationToken: Ct);
        var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd",
            Product = product.Id,
            BillingScheme = "tiered",
            TiersMode = "graduated",
            Tiers =
            [
                new PriceTierOptions { UpTo = 10, UnitAmount = 100 },
                new PriceTierOptions { UpTo = PriceTierUpTo.Inf, UnitAmount = 10, FlatAmount = 500 },
            ],
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = meter.Id },
        }, cancellationToken: Ct);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer, Items = [new SubscriptionItemOptions { Price = price.Id }],
        }, cancellationToken: Ct);
        await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = "api_requests", Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "25" },
        }, cancellationToken: Ct);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddHours(2));
        var cycle = (await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = sub.Id }, cancellationToken: Ct))
            .Data.Single(i => i.BillingReason == "subscription_cycle");
        Assert.Equal(10 * 100 + 15 * 10 + 500, cycle.Total);
        Assert.Equal(25, cycle.Lines.Data[0].Quantity);
    }

    [Fact]
    public async Task Invoices_ListFilters_Lines_Void_AndMissingIs404()
    {
        var stripe = f.Client(BillingFixture.NewKey());
        var customer = await CatalogSeed.CustomerAsync(stripe, card: null);
        var price = await CatalogSeed.PriceAsync(stripe, 700);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price, Quantity = 3 }],
            PaymentBehavior = "default_incomplete",
        }, cancellationToken: Ct);
        Assert.Equal("incomplete", sub.Status);
        var open = await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = customer, Status = "open" }, cancellationToken: Ct);
        var inv = Assert.Single(open.Data);
        Assert.Equal(2100, inv.AmountDue);
        Assert.Equal(customer, inv.CustomerId);
        Assert.Empty((await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = customer, Status = "paid" }, cancellationToken: Ct)).Data);
        var lines = await stripe.V1.Invoices.LineItems.ListAsync(inv.Id, new InvoiceLineItemListOptions
        {
            Expand = ["data.pricing.price_details.price"],
        }, cancellationToken: Ct);
        var line = Assert.Single(lines.Data);
        Assert.Equal(700, line.Pricing.PriceDetails.Price.UnitAmount);
        Assert.Equal(3, line.Quantity);
        Assert.Equal(sub.Items.Data[0].Id, line.Parent.SubscriptionItemDetails.SubscriptionItem);

        var noCard = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Invoices.PayAsync(inv.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.PaymentRequired, noCard.HttpStatusCode);
        var voided = await stripe.V1.Invoices.VoidInvoiceAsync(inv.Id, cancellationToken: Ct);
        Assert.Equal("void", voided.Status);
        Assert.Equal(0, voided.AmountRemaining);
        Assert.NotNull(voided.StatusTransitions.VoidedAt);

        var missing = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Invoices.GetAsync("in_nope", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
        Assert.Equal("resource_missing", missing.StripeError.Code);

        using var raw = Clients.Raw(f.Server);
        using var page = await raw.GetAsync(new Uri(voided.HostedInvoiceUrl), Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(voided.Number, await page.Content.ReadAsStringAsync(Ct));
    }
}
