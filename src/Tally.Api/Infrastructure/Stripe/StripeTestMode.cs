using System.Globalization;
using Stripe;
using Stripe.TestHelpers;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// The gateway's client for filling a test-mode account (the demo): test clocks, plans, customers
/// with test cards, subscriptions and meter events, answered with Tally's records. It refuses to
/// run against a live key.
/// </summary>
internal sealed class StripeTestMode(StripeClient stripe, StripeAccount account)
{
    public bool IsLive => account.ApiKey.StartsWith("sk_live_", StringComparison.Ordinal) || account.ApiKey.StartsWith("rk_live_", StringComparison.Ordinal);

    public async Task<ProductRecord> CreateProductAsync(string name, CancellationToken ct) =>
        (await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = name }, cancellationToken: Checked(ct))).ToRecord();

    public async Task<PriceRecord> CreatePriceAsync(string productId, string nickname, long cents, string interval, CancellationToken ct) =>
        (await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", Product = productId, UnitAmount = cents, Nickname = nickname, Recurring = new PriceRecurringOptions { Interval = interval },
        }, cancellationToken: Checked(ct))).ToRecord();

    public async Task<string> CreateTestClockAsync(DateTime frozenTime, string name, CancellationToken ct) =>
        (await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = frozenTime, Name = name }, cancellationToken: Checked(ct))).Id;

    /// <summary>Advances the clock and waits until Stripe has run everything due on it.</summary>
    public async Task AdvanceTestClockAsync(string testClockId, DateTime to, CancellationToken ct)
    {
        await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(testClockId, new TestClockAdvanceOptions { FrozenTime = to }, cancellationToken: Checked(ct));
        for (var i = 0; i < 600; i++)
        {
            if ((await stripe.V1.TestHelpers.TestClocks.GetAsync(testClockId, cancellationToken: ct)).Status == "ready")
            {
                return;
            }

            // Real time: the emulator advances the clock in the background, whatever the caller's TimeProvider says.
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        throw new TimeoutException($"Test clock {testClockId} did not finish advancing.");
    }

    /// <summary>A customer on the test clock whose default payment method is the test card (e.g. <c>pm_card_visa</c>).</summary>
    public async Task<string> CreateCustomerWithCardAsync(
        string email, string name, string testClockId, string card, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = email, Name = name, TestClock = testClockId, Metadata = new Dictionary<string, string>(metadata),
        }, cancellationToken: Checked(ct));
        var pm = await stripe.V1.PaymentMethods.AttachAsync(card, new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: ct);
        await stripe.V1.Customers.UpdateAsync(customer.Id,
            new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id } }, cancellationToken: ct);
        return customer.Id;
    }

    public async Task<SubscriptionRecord> CreateSubscriptionAsync(
        string customerId, IEnumerable<string> priceIds, long? trialPeriodDays, IReadOnlyDictionary<string, string> metadata, CancellationToken ct) =>
        (await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customerId,
            Items = [.. priceIds.Select(p => new SubscriptionItemOptions { Price = p })],
            Metadata = new Dictionary<string, string>(metadata),
            TrialPeriodDays = trialPeriodDays,
        }, cancellationToken: Checked(ct))).ToRecord();

    public async Task CancelAtPeriodEndAsync(string subscriptionId, CancellationToken ct) =>
        await stripe.V1.Subscriptions.UpdateAsync(subscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Checked(ct));

    public async Task<SubscriptionRecord> ChangePriceAsync(string subscriptionId, string itemId, string priceId, CancellationToken ct) =>
        (await stripe.V1.Subscriptions.UpdateAsync(subscriptionId, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = itemId, Price = priceId }],
        }, cancellationToken: Checked(ct))).ToRecord();

    public async Task SendMeterEventAsync(string eventName, string identifier, DateTime timestamp, string customerId, long value, CancellationToken ct) =>
        await stripe.V1.Billing.MeterEvents.CreateAsync(new global::Stripe.Billing.MeterEventCreateOptions
        {
            EventName = eventName,
            Identifier = identifier,
            Timestamp = timestamp,
            Payload = new() { ["stripe_customer_id"] = customerId, ["value"] = value.ToString(CultureInfo.InvariantCulture) },
        }, cancellationToken: Checked(ct));

    private CancellationToken Checked(CancellationToken ct) => IsLive
        ? throw new InvalidOperationException("Test-mode helpers only run against test-mode accounts (the embedded emulator or an sk_test_ key).")
        : ct;
}
