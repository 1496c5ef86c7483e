using System.Net;
using Stripe;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// The business operations Tally performs on Stripe, returning Tally's own records and outcomes
/// (<c>null</c> for a missing object, a <see cref="StripeResult{T}"/> for an expected refusal): the
/// only place besides <see cref="StripeErrors"/> that reads Stripe.net's exceptions. Every create
/// carries an idempotency key derived from Tally's row ids; the expansions Tally relies on live here.
/// </summary>
internal sealed partial class StripeGateway(StripeClient stripe, StripeAccount account)
{
    /// <summary>What a subscription fetch expands: the discounts' coupons (items embed their price already).</summary>
    private static readonly List<string> SubscriptionExpand = ["discounts", "discounts.source.coupon"];

    /// <summary>This installation's id: the customers it creates carry it, and so do their idempotency keys.</summary>
    private string Installation => account.InstallationId ?? throw new InvalidOperationException("The installation id is loaded at start (StripeBootstrap).");

    /// <summary>Creates the user's customer; <paramref name="generation"/> (customers of the user deleted so far) keeps a new one from replaying the last.</summary>
    public async Task<StripeResult<CustomerRecord>> CreateCustomerAsync(long userId, int generation, string? email, string? name, CancellationToken ct)
    {
        try
        {
            var key = $"tally-customer-{Installation}-{userId}" + (generation == 0 ? "" : $"-{generation}");
            var customer = await stripe.V1.Customers.CreateAsync(
                new CustomerCreateOptions { Email = email, Name = name, Metadata = StripeMarker.For(Installation, userId) },
                new RequestOptions { IdempotencyKey = key }, ct);
            return StripeResult<CustomerRecord>.Ok(customer.ToRecord());
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.Conflict)
        {
            // Another instance's request with the same idempotency key is still in flight (Stripe.net already retried).
            return new(StripeOutcome.InFlight);
        }
    }

    /// <summary>The customer, or null when Stripe does not know it (a deleted customer comes back with <c>Deleted</c> set).</summary>
    public Task<CustomerRecord?> GetCustomerAsync(string customerId, CancellationToken ct) =>
        OrNullAsync(async () => (await stripe.V1.Customers.GetAsync(customerId, cancellationToken: ct)).ToRecord());

    public async Task<StripeResult<PaymentMethodRecord>> AttachPaymentMethodAsync(string customerId, string paymentMethodId, bool setDefault, CancellationToken ct)
    {
        PaymentMethod pm;
        try
        {
            pm = await stripe.V1.PaymentMethods.AttachAsync(paymentMethodId, new PaymentMethodAttachOptions { Customer = customerId }, cancellationToken: ct);
        }
        catch (StripeException ex) when (ex.StripeError is { Type: "card_error" } card)
        {
            return new(StripeOutcome.CardDeclined, Code: card.Code ?? "card_declined", Message: card.Message ?? "The card was declined.");
        }
        catch (StripeException ex) when (ex.StripeError is { Type: "invalid_request_error" } error && error.Param is not "customer")
        {
            // resource_missing for an unknown id; "already attached to a customer" for someone else's method.
            return new(error.Code == "resource_missing" ? StripeOutcome.UnknownObject : StripeOutcome.InvalidParameter);
        }

        if (setDefault)
        {
            // The attach answer carries the real pm_ id (a magic test id such as pm_card_visa yields a new one).
            await stripe.V1.Customers.UpdateAsync(customerId,
                new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id } }, cancellationToken: ct);
        }

        return StripeResult<PaymentMethodRecord>.Ok(pm.ToRecord(setDefault));
    }

    public async Task<StripeResult<SubscriptionRecord>> CreateSubscriptionAsync(
        string customerId, string priceId, long userId, string idempotencyKey, string? request, CancellationToken ct)
    {
        var metadata = StripeMarker.For(Installation, userId);
        if (request is not null)
        {
            metadata[StripeMarker.RequestKey] = request;
        }

        try
        {
            var subscription = await stripe.V1.Subscriptions.CreateAsync(
                new SubscriptionCreateOptions
                {
                    Customer = customerId,
                    Items = [new SubscriptionItemOptions { Price = priceId }],
                    Metadata = metadata,
                    Expand = SubscriptionExpand,
                },
                new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
            return StripeResult<SubscriptionRecord>.Ok(subscription.ToRecord());
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "idempotency_error")
        {
            return new(StripeOutcome.IdempotencyKeyReused);
        }
        catch (StripeException ex) when (ex.StripeError is { Type: "invalid_request_error" } e
            && (e.Param?.StartsWith("items", StringComparison.Ordinal) == true || e.Param == "price"))
        {
            return new(StripeOutcome.UnknownObject);
        }
    }

    public Task<SubscriptionRecord?> GetSubscriptionAsync(string subscriptionId, CancellationToken ct) =>
        OrNullAsync(async () => (await stripe.V1.Subscriptions.GetAsync(subscriptionId, new SubscriptionGetOptions { Expand = SubscriptionExpand }, cancellationToken: ct)).ToRecord());

    public Task<InvoiceRecord?> GetInvoiceAsync(string invoiceId, CancellationToken ct) =>
        OrNullAsync(async () => (await stripe.V1.Invoices.GetAsync(invoiceId, cancellationToken: ct)).ToRecord());

    public Task<PriceRecord?> GetPriceAsync(string priceId, CancellationToken ct) =>
        OrNullAsync(async () => (await stripe.V1.Prices.GetAsync(priceId, cancellationToken: ct)).ToRecord());

    public Task<ProductRecord?> GetProductAsync(string productId, CancellationToken ct) =>
        OrNullAsync(async () => (await stripe.V1.Products.GetAsync(productId, cancellationToken: ct)).ToRecord());

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

    /// <summary>A test clock's frozen time (the Stripe time of its customers), or null when Stripe does not know the clock.</summary>
    public async Task<DateTimeOffset?> GetTestClockTimeAsync(string clockId, CancellationToken ct) =>
        await OrNullAsync(() => stripe.V1.TestHelpers.TestClocks.GetAsync(clockId, cancellationToken: ct)) is { } clock ? StripeMapping.Utc(clock.FrozenTime) : null;

    /// <summary>The <c>event_name</c> of a meter, or null when Stripe does not know it.</summary>
    public async Task<string?> GetMeterEventNameAsync(string meterId, CancellationToken ct) =>
        (await OrNullAsync(() => stripe.V1.Billing.Meters.GetAsync(meterId, cancellationToken: ct)))?.EventName;

    /// <summary>
    /// Sends one meter event. Its identifier is Tally's batch id: Stripe's answer that an event with this
    /// identifier already exists means an earlier attempt got through, so it counts as delivered.
    /// </summary>
    public async Task<StripeResult<string>> SendMeterEventAsync(
        string eventName, string identifier, string customerId, long value, DateTimeOffset timestamp, CancellationToken ct)
    {
        try
        {
            await stripe.V1.Billing.MeterEvents.CreateAsync(new global::Stripe.Billing.MeterEventCreateOptions
            {
                EventName = eventName,
                Identifier = identifier,
                Timestamp = timestamp.UtcDateTime,
                Payload = new() { ["stripe_customer_id"] = customerId, ["value"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }, new RequestOptions { IdempotencyKey = identifier }, ct);
            return StripeResult<string>.Ok(identifier);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest && ex.StripeError?.Param == "identifier")
        {
            return StripeResult<string>.Ok(identifier);
        }
        catch (StripeException ex) when (StripeErrors.IsTransient(ex))
        {
            return new(StripeOutcome.Unavailable, Code: ex.StripeError?.Code, Message: StripeErrors.Describe(ex));
        }
        catch (StripeException ex)
        {
            return new(StripeOutcome.Refused, Code: ex.StripeError?.Code, Message: StripeErrors.Describe(ex));
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new(StripeOutcome.Unavailable, Message: $"Could not reach Stripe: {ex.GetType().Name}");
        }
    }

    /// <summary>Stripe's aggregated meter value for a customer over [start, end), or null when Stripe cannot say now.</summary>
    public async Task<decimal?> MeterTotalAsync(string meterId, string customerId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        try
        {
            var total = 0m;
            var options = new global::Stripe.Billing.MeterEventSummaryListOptions
            {
                Customer = customerId, StartTime = Minute(start).UtcDateTime, EndTime = Minute(end).UtcDateTime, Limit = 100,
            };
            await foreach (var summary in stripe.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meterId, options, cancellationToken: ct))
            {
                total += summary.AggregatedValue;
            }

            return total;
        }
        catch (StripeException)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Meter event summaries take minute-aligned bounds.</summary>
    private static DateTimeOffset Minute(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

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

    /// <summary>The object, or null when Stripe answers that it does not exist.</summary>
    private static async Task<T?> OrNullAsync<T>(Func<Task<T>> fetch)
        where T : class
    {
        try
        {
            return await fetch();
        }
        catch (StripeException ex) when (StripeErrors.IsNotFound(ex))
        {
            return null;
        }
    }
}
