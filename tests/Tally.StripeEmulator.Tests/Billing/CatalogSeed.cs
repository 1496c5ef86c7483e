using Stripe;

namespace Tally.StripeEmulator.Tests.Billing;

/// <summary>Catalog objects created through the emulator's catalog API, as Tally would.</summary>
internal static class CatalogSeed
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A customer (optionally on a test clock) with <paramref name="card"/> attached as the invoice default.</summary>
    public static async Task<string> CustomerAsync(StripeClient stripe, string? clockId = null, string? card = "pm_card_visa")
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "ada@example.test", Name = "Ada", TestClock = clockId }, cancellationToken: Ct);
        if (card is not null)
        {
            var pm = await stripe.V1.PaymentMethods.AttachAsync(card, new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
            await stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
            {
                InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id },
            }, cancellationToken: Ct);
        }
        return customer.Id;
    }

    public static async Task<string> PriceAsync(StripeClient stripe, decimal unitAmountDecimal, string? meterId = null, string interval = "month")
    {
        var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = meterId is null ? "Seats" : "API calls" }, cancellationToken: Ct);
        var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd",
            Product = product.Id,
            UnitAmountDecimal = unitAmountDecimal,
            Recurring = new PriceRecurringOptions { Interval = interval, UsageType = meterId is null ? "licensed" : "metered", Meter = meterId },
        }, cancellationToken: Ct);
        return price.Id;
    }

    public static async Task<string> CouponAsync(StripeClient stripe, string duration, decimal? percentOff = null, long? amountOff = null, long? months = null)
    {
        var coupon = await stripe.V1.Coupons.CreateAsync(new CouponCreateOptions
        {
            Duration = duration,
            PercentOff = percentOff,
            AmountOff = amountOff,
            Currency = amountOff is null ? null : "usd",
            DurationInMonths = months,
        }, cancellationToken: Ct);
        return coupon.Id;
    }

    public static Task<Stripe.Billing.Meter> MeterAsync(StripeClient stripe, string eventName = "api_requests", string formula = "sum") =>
        stripe.V1.Billing.Meters.CreateAsync(new Stripe.Billing.MeterCreateOptions
        {
            DisplayName = "API requests",
            EventName = eventName,
            DefaultAggregation = new Stripe.Billing.MeterDefaultAggregationOptions { Formula = formula },
        }, cancellationToken: Ct);
}
