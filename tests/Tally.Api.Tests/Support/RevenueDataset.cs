using System.Net.Http.Json;
using Stripe;
using Stripe.TestHelpers;

namespace Tally.Api.Tests.Support;

/// <summary>
/// The worked dataset of <c>revenue-metrics.md</c> §4 (18 customers, 20 subscriptions), built the way an
/// integration builds it: one test clock per customer started at the subscription's creation, prices,
/// coupons, subscriptions, quantity changes without proration, scheduled and immediate cancellations,
/// a failing card, metered usage, and clocks advanced so that Stripe itself renews, invoices and charges.
/// Every object reaches Tally through webhooks; the FX table of §4.1 is set through Tally's API.
/// </summary>
/// <remarks>
/// Where the emulator's invoices differ from the fixture's table (§4.3): the emulator charges no tax, so
/// S8's June invoice is 32 000 (2 000 base + 30 000 usage) instead of 34 560; C7's card starts failing at
/// its June renewal (06-15), so it is past_due from then rather than from 06-25 (no figure depends on it);
/// every renewal also produces the fixture's unlisted earlier invoices (all outside the window).
/// The two boundary invoices are paid by the integration the moment their draft exists: S5's at exactly
/// T0 (outside the window) and S14's at exactly T (inside).
/// </remarks>
public sealed class RevenueDataset
{
    public static readonly DateTime T = new(2025, 7, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime T0 = T.AddDays(-30);

    private readonly StripeTallyFactory factory;
    private readonly Dictionary<string, string> prices = [];
    private string? productId;

    private RevenueDataset(StripeTallyFactory factory) => this.factory = factory;

    private StripeClient Stripe => factory.Stripe;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTime At(string iso) => DateTime.Parse(iso, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    public static async Task<RevenueDataset> BuildAsync(StripeTallyFactory factory)
    {
        var d = new RevenueDataset(factory);
        await d.ArrangeAsync();
        await WebhookKit.DrainedAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        foreach (var (date, eur) in new[] { ("2025-06-01", 1.08m), ("2025-07-01", 1.10m) })
        {
            var set = await admin.PutAsJsonAsync("/api/admin/fx_rates", new { date, rates = new Dictionary<string, decimal> { ["eur"] = eur, ["jpy"] = 0.007m } }, Ct);
            set.EnsureSuccessStatusCode();
        }

        return d;
    }

    private async Task ArrangeAsync()
    {
        var (c1, k1) = await CustomerAsync("C1", "2024-11-15T09:00:00Z");
        await SubscribeAsync(c1, [(await PriceAsync(2900, "usd", "month"), 1)]);
        await AdvanceAsync(k1, T);

        var (c2, k2) = await CustomerAsync("C2", "2025-01-10T08:00:00Z");
        await SubscribeAsync(c2, [(await PriceAsync(30000, "usd", "year"), 1)]);
        await AdvanceAsync(k2, T);

        var (c3, k3) = await CustomerAsync("C3", "2025-03-03T10:00:00Z");
        await SubscribeAsync(c3, [(await PriceAsync(1000, "usd", "week"), 1)]);
        await AdvanceAsync(k3, T);

        var (c4, k4) = await CustomerAsync("C4", "2025-02-01T06:00:00Z");
        await SubscribeAsync(c4, [(await PriceAsync(15000, "usd", "month", 3), 2)]);
        await AdvanceAsync(k4, T);

        // S5: 20 % off forever; its renewal at exactly T0 is paid at once (outside the window); 2 → 3 seats on 06-10.
        var (c5, k5) = await CustomerAsync("C5", "2024-09-01T00:00:00Z");
        var twentyOff = await Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 20m, Duration = "forever" }, cancellationToken: Ct);
        var s5 = await SubscribeAsync(c5, [(await PriceAsync(5000, "usd", "month"), 2)], coupon: twentyOff.Id);
        await AdvanceAsync(k5, T0);
        await PayLatestInvoiceAsync(s5.Id);
        await AdvanceAsync(k5, At("2025-06-10T12:00:00Z"));
        await SetQuantityAsync(s5, 3);
        await AdvanceAsync(k5, T);

        var (c6, k6) = await CustomerAsync("C6", "2025-06-20T08:00:00Z");
        await SubscribeAsync(c6, [(await PriceAsync(9900, "usd", "month"), 1)], trialDays: 14);
        await AdvanceAsync(k6, T);

        // S7: the card fails from the June renewal on: past_due at T, June invoice open.
        var (c7, k7) = await CustomerAsync("C7", "2025-02-15T09:00:00Z");
        await SubscribeAsync(c7, [(await PriceAsync(4900, "usd", "month"), 1)]);
        await AdvanceAsync(k7, At("2025-06-01T09:00:00Z"));
        var failing = await Stripe.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = c7 }, cancellationToken: Ct);
        await Stripe.V1.Customers.UpdateAsync(c7, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = failing.Id },
        }, cancellationToken: Ct);
        await AdvanceAsync(k7, T);

        // S8: 2 000 base + metered 2 per unit; 15 000 units in the period 05-20 → 06-20.
        var (c8, k8) = await CustomerAsync("C8", "2025-01-20T05:00:00Z");
        await SubscribeAsync(c8, [(await PriceAsync(2000, "usd", "month"), 1), (factory.PriceId, null)]);
        await AdvanceAsync(k8, At("2025-06-10T00:00:00Z"));
        await Stripe.V1.Billing.MeterEvents.CreateAsync(new global::Stripe.Billing.MeterEventCreateOptions
        {
            EventName = StripeTallyFactory.MeterEventName, Identifier = "s8-june", Timestamp = At("2025-06-10T00:00:00Z"),
            Payload = new() { ["stripe_customer_id"] = c8, ["value"] = "15000" },
        }, cancellationToken: Ct);
        await AdvanceAsync(k8, T);

        var (c9, k9) = await CustomerAsync("C9", "2024-12-05T07:00:00Z");
        var s9 = await SubscribeAsync(c9, [(await PriceAsync(7500, "usd", "month"), 1)]);
        await AdvanceAsync(k9, At("2025-06-12T15:00:00Z"));
        await Stripe.V1.Subscriptions.CancelAsync(s9.Id, cancellationToken: Ct);
        await AdvanceAsync(k9, T);

        var (c10, k10) = await CustomerAsync("C10", "2024-05-10T10:00:00Z");
        var s10 = await SubscribeAsync(c10, [(await PriceAsync(120000, "usd", "year"), 1)]);
        await AdvanceAsync(k10, At("2025-04-15T10:00:00Z"));
        await CancelAtPeriodEndAsync(s10.Id);
        await AdvanceAsync(k10, T);

        // C11: paid from October to March, then back on 06-18 (reactivation).
        var (c11, k11) = await CustomerAsync("C11", "2024-10-20T10:00:00Z");
        var s11 = await SubscribeAsync(c11, [(await PriceAsync(3900, "usd", "month"), 1)]);
        await AdvanceAsync(k11, At("2025-03-10T10:00:00Z"));
        await CancelAtPeriodEndAsync(s11.Id);
        await AdvanceAsync(k11, At("2025-06-18T14:00:00Z"));
        await SubscribeAsync(c11, [(await PriceAsync(4900, "usd", "month"), 1)]);
        await AdvanceAsync(k11, T);

        await ArrangeEuroYenAndLaterAsync();
    }

    private async Task ArrangeEuroYenAndLaterAsync()
    {
        var (c12, k12) = await CustomerAsync("C12", "2024-10-01T10:00:00Z");
        await SubscribeAsync(c12, [(await PriceAsync(4500, "eur", "month"), 1)]);
        await AdvanceAsync(k12, T);

        var (c13, k13) = await CustomerAsync("C13", "2024-09-01T00:00:00Z");
        var s13 = await SubscribeAsync(c13, [(await PriceAsync(54000, "eur", "year"), 1)]);
        await AdvanceAsync(k13, At("2025-06-20T09:00:00Z"));
        await CancelAtPeriodEndAsync(s13.Id);
        await AdvanceAsync(k13, T);

        // S14: 8 → 5 seats on 06-15; the July renewal's draft exists at exactly T and is paid then (inside the window).
        var (c14, k14) = await CustomerAsync("C14", "2024-08-01T00:00:00Z");
        var s14 = await SubscribeAsync(c14, [(await PriceAsync(2000, "eur", "month"), 8)]);
        await AdvanceAsync(k14, At("2025-06-15T10:00:00Z"));
        await SetQuantityAsync(s14, 5);
        await AdvanceAsync(k14, T);
        await PayLatestInvoiceAsync(s14.Id);

        var (c15, k15) = await CustomerAsync("C15", "2025-06-05T03:00:00Z");
        await SubscribeAsync(c15, [(await PriceAsync(3000, "jpy", "month"), 2)]);
        await AdvanceAsync(k15, T);

        var (c16, k16) = await CustomerAsync("C16", "2024-07-20T11:00:00Z");
        await SubscribeAsync(c16, [(await PriceAsync(1500, "usd", "month"), 1)]);
        await AdvanceAsync(k16, At("2025-06-25T16:00:00Z"));
        await SubscribeAsync(c16, [(await PriceAsync(18000, "usd", "year"), 1)]);
        await AdvanceAsync(k16, T);

        var (c17, k17) = await CustomerAsync("C17", "2025-06-05T12:00:00Z");
        var s17 = await SubscribeAsync(c17, [(await PriceAsync(2500, "usd", "month"), 1)]);
        await AdvanceAsync(k17, At("2025-06-20T12:00:00Z"));
        await Stripe.V1.Subscriptions.CancelAsync(s17.Id, cancellationToken: Ct);
        await AdvanceAsync(k17, T);

        // S18: 1 000 off for 3 months from 05-01 (in force until 08-01).
        var (c18, k18) = await CustomerAsync("C18", "2025-03-01T12:00:00Z");
        var s18 = await SubscribeAsync(c18, [(await PriceAsync(8000, "usd", "month"), 1)]);
        await AdvanceAsync(k18, At("2025-05-01T00:00:00Z"));
        var thousandOff = await Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions
        {
            AmountOff = 1000, Currency = "usd", Duration = "repeating", DurationInMonths = 3,
        }, cancellationToken: Ct);
        await Stripe.V1.Subscriptions.UpdateAsync(s18.Id, new SubscriptionUpdateOptions
        {
            Discounts = [new SubscriptionDiscountOptions { Coupon = thousandOff.Id }],
        }, cancellationToken: Ct);
        await AdvanceAsync(k18, T);
    }

    private async Task<string> PriceAsync(long amount, string currency, string interval, long count = 1)
    {
        var key = $"{amount}-{currency}-{interval}-{count}";
        if (prices.TryGetValue(key, out var id))
        {
            return id;
        }

        productId ??= (await Stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Plans" }, cancellationToken: Ct)).Id;
        var price = await Stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = productId, Currency = currency, UnitAmount = amount,
            Recurring = new PriceRecurringOptions { Interval = interval, IntervalCount = count },
        }, cancellationToken: Ct);
        return prices[key] = price.Id;
    }

    private async Task<(string Customer, string Clock)> CustomerAsync(string name, string createdAt)
    {
        var clock = await Stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = At(createdAt), Name = name }, cancellationToken: Ct);
        var customer = await Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Name = name, Email = $"{name.ToLowerInvariant()}@revenue.example", TestClock = clock.Id, PaymentMethod = "pm_card_visa",
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = "pm_card_visa" },
        }, cancellationToken: Ct);
        return (customer.Id, clock.Id);
    }

    private Task<Subscription> SubscribeAsync(string customer, (string Price, long? Quantity)[] items, string? coupon = null, long? trialDays = null) =>
        Stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [.. items.Select(i => new SubscriptionItemOptions { Price = i.Price, Quantity = i.Quantity })],
            Discounts = coupon is null ? null : [new SubscriptionDiscountOptions { Coupon = coupon }],
            TrialPeriodDays = trialDays,
        }, cancellationToken: Ct);

    private Task SetQuantityAsync(Subscription s, long quantity) =>
        Stripe.V1.Subscriptions.UpdateAsync(s.Id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = s.Items.Data[0].Id, Quantity = quantity }], ProrationBehavior = "none",
        }, cancellationToken: Ct);

    private Task CancelAtPeriodEndAsync(string subscriptionId) =>
        Stripe.V1.Subscriptions.UpdateAsync(subscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);

    private async Task PayLatestInvoiceAsync(string subscriptionId)
    {
        var subscription = await Stripe.V1.Subscriptions.GetAsync(subscriptionId, cancellationToken: Ct);
        await Stripe.V1.Invoices.PayAsync(subscription.LatestInvoiceId, cancellationToken: Ct);
    }

    private Task AdvanceAsync(string clockId, DateTime to) => PaidInvoice.AdvanceAsync(factory, clockId, to);
}
