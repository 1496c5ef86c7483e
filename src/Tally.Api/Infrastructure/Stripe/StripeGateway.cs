using Stripe;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// The business operations Tally performs on Stripe, returning Tally's own records. Every create
/// carries an idempotency key derived from Tally's row ids; the expansions Tally relies on live here.
/// </summary>
internal sealed class StripeGateway(StripeClient stripe)
{
    /// <summary>What a subscription fetch expands: the discounts' coupons (items embed their price already).</summary>
    private static readonly List<string> SubscriptionExpand = ["discounts", "discounts.source.coupon"];

    public async Task<CustomerRecord> CreateCustomerAsync(long userId, string? email, string? name, CancellationToken ct)
    {
        var customer = await stripe.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = email, Name = name, Metadata = new() { ["user_id"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            new RequestOptions { IdempotencyKey = $"tally-customer-{userId}" }, ct);
        return customer.ToRecord();
    }

    public async Task<CustomerRecord> GetCustomerAsync(string customerId, CancellationToken ct) =>
        (await stripe.V1.Customers.GetAsync(customerId, cancellationToken: ct)).ToRecord();

    public async Task<PaymentMethodRecord> AttachPaymentMethodAsync(string customerId, string paymentMethodId, bool setDefault, CancellationToken ct)
    {
        var pm = await stripe.V1.PaymentMethods.AttachAsync(paymentMethodId, new PaymentMethodAttachOptions { Customer = customerId }, cancellationToken: ct);
        if (setDefault)
        {
            // The attach answer carries the real pm_ id (a magic test id such as pm_card_visa yields a new one).
            await stripe.V1.Customers.UpdateAsync(customerId,
                new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id } }, cancellationToken: ct);
        }

        return pm.ToRecord(setDefault);
    }

    public async Task<SubscriptionRecord> CreateSubscriptionAsync(string customerId, string priceId, long userId, string idempotencyKey, CancellationToken ct)
    {
        var subscription = await stripe.V1.Subscriptions.CreateAsync(
            new SubscriptionCreateOptions
            {
                Customer = customerId,
                Items = [new SubscriptionItemOptions { Price = priceId }],
                Metadata = new() { ["user_id"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Expand = SubscriptionExpand,
            },
            new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
        return subscription.ToRecord();
    }

    public async Task<SubscriptionRecord> GetSubscriptionAsync(string subscriptionId, CancellationToken ct) =>
        (await stripe.V1.Subscriptions.GetAsync(subscriptionId, new SubscriptionGetOptions { Expand = SubscriptionExpand }, cancellationToken: ct)).ToRecord();

    public async Task<InvoiceRecord> GetInvoiceAsync(string invoiceId, CancellationToken ct) =>
        (await stripe.V1.Invoices.GetAsync(invoiceId, cancellationToken: ct)).ToRecord();

    public async Task<PriceRecord> GetPriceAsync(string priceId, CancellationToken ct) =>
        (await stripe.V1.Prices.GetAsync(priceId, cancellationToken: ct)).ToRecord();

    public async Task<ProductRecord> GetProductAsync(string productId, CancellationToken ct) =>
        (await stripe.V1.Products.GetAsync(productId, cancellationToken: ct)).ToRecord();

    public async IAsyncEnumerable<CustomerRecord> ListCustomersAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var c in stripe.V1.Customers.ListAutoPagingAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: ct))
        {
            yield return c.ToRecord();
        }
    }

    public async IAsyncEnumerable<ProductRecord> ListProductsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var p in stripe.V1.Products.ListAutoPagingAsync(new ProductListOptions { Limit = 100 }, cancellationToken: ct))
        {
            yield return p.ToRecord();
        }
    }

    public async IAsyncEnumerable<PriceRecord> ListPricesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var p in stripe.V1.Prices.ListAutoPagingAsync(new PriceListOptions { Limit = 100 }, cancellationToken: ct))
        {
            yield return p.ToRecord();
        }
    }

    public async IAsyncEnumerable<SubscriptionRecord> ListSubscriptionsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var options = new SubscriptionListOptions { Status = "all", Limit = 100, Expand = ["data.discounts", "data.discounts.source.coupon"] };

        await foreach (var s in stripe.V1.Subscriptions.ListAutoPagingAsync(options, cancellationToken: ct))
        {
            yield return s.ToRecord();
        }
    }

    public async IAsyncEnumerable<InvoiceRecord> ListInvoicesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var i in stripe.V1.Invoices.ListAutoPagingAsync(new InvoiceListOptions { Limit = 100 }, cancellationToken: ct))
        {
            yield return i.ToRecord();
        }
    }

    /// <summary>Emulator-mode set-up: a meter, a product and a metered price, each created once (idempotent by key).</summary>
    public async Task<(string MeterId, string EventName, string ProductId, string PriceId)> CreateMeteredCatalogAsync(string? productId, CancellationToken ct)
    {
        const string eventName = "tally_usage";
        var meter = await stripe.V1.Billing.Meters.CreateAsync(new global::Stripe.Billing.MeterCreateOptions
        {
            DisplayName = "Tally usage",
            EventName = eventName,
            DefaultAggregation = new global::Stripe.Billing.MeterDefaultAggregationOptions { Formula = "sum" },
            CustomerMapping = new global::Stripe.Billing.MeterCustomerMappingOptions { Type = "by_id", EventPayloadKey = "stripe_customer_id" },
            ValueSettings = new global::Stripe.Billing.MeterValueSettingsOptions { EventPayloadKey = "value" },
        }, new RequestOptions { IdempotencyKey = "tally-bootstrap-meter" }, ct);
        productId ??= (await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Tally metered usage" },
            new RequestOptions { IdempotencyKey = "tally-bootstrap-product" }, ct)).Id;
        var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd",
            Product = productId,
            UnitAmountDecimal = 1m,
            Nickname = "Usage, 1¢ per unit",
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = meter.Id },
        }, new RequestOptions { IdempotencyKey = "tally-bootstrap-price" }, ct);
        return (meter.Id, eventName, productId, price.Id);
    }
}
