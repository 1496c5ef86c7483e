using System.Text;
using Stripe;
using Stripe.TestHelpers;
using Tally.StripeEmulator.Tests.Support;
using UglyToad.PdfPig;

namespace Tally.StripeEmulator.Tests.Billing;

[Collection(BillingCollection.Name)]
public sealed class BillingCycleTests(BillingFixture f)
{
    internal static readonly DateTime T0 = new(2026, 1, 15, 0, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static Task<TestClock> AdvanceWithAsync(StripeClient stripe, string clockId, DateTime to) => AdvanceAsync(stripe, clockId, to);

    internal static async Task<TestClock> AdvanceAsync(StripeClient stripe, string clockId, DateTime to)
    {
        var clock = await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(clockId, new TestClockAdvanceOptions { FrozenTime = to }, cancellationToken: Ct);
        for (var i = 0; i < 100 && clock.Status != "ready"; i++)
        {
            clock = await stripe.V1.TestHelpers.TestClocks.GetAsync(clockId, cancellationToken: Ct);
        }

        Assert.Equal("ready", clock.Status);
        Assert.Equal(to, clock.FrozenTime);
        return clock;
    }

    private async Task<(StripeClient Stripe, string Key, TestClock Clock, string Customer, Stripe.Billing.Meter Meter, string Price)> MeteredSetupAsync(string card)
    {
        var key = BillingFixture.NewKey();
        var stripe = f.Client(key);
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0, Name = "cycle" }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id, card);
        var meter = await CatalogSeed.MeterAsync(stripe);
        var price = await CatalogSeed.PriceAsync(stripe, 25m, meter.Id);
        return (stripe, key, clock, customer, meter, price);
    }

    private static async Task ReportAsync(StripeClient stripe, string customer, params long[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
            {
                EventName = "api_requests",
                Identifier = $"usage-{Guid.NewGuid():N}",
                Payload = new() { ["stripe_customer_id"] = customer, ["value"] = values[i].ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task MeteredSubscription_AdvancedPastPeriodEnd_InvoicesUsagePaid_WithSignedWebhookAndPdf()
    {
        var (stripe, key, clock, customer, meter, price) = await MeteredSetupAsync("pm_card_visa");
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
            Expand = ["latest_invoice"],
        }, cancellationToken: Ct);
        Assert.Equal("active", sub.Status);
        Assert.Equal("paid", sub.LatestInvoice.Status);
        Assert.Equal(0, sub.LatestInvoice.Total);
        Assert.Equal("subscription_create", sub.LatestInvoice.BillingReason);
        var item = Assert.Single(sub.Items.Data);
        Assert.Equal(T0, item.CurrentPeriodStart);
        Assert.Equal(T0.AddMonths(1), item.CurrentPeriodEnd);
        Assert.Equal(0, item.Quantity);

        await AdvanceAsync(stripe, clock.Id, T0.AddDays(10));
        await ReportAsync(stripe, customer, 10, 20, 12);
        await AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddHours(2));

        var invoices = await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = sub.Id }, cancellationToken: Ct);
        Assert.Equal(2, invoices.Data.Count);
        var cycle = invoices.Data.Single(i => i.BillingReason == "subscription_cycle");
        Assert.Equal("paid", cycle.Status);
        Assert.Equal(sub.Id, cycle.Parent.SubscriptionDetails.SubscriptionId);
        Assert.Equal(T0, cycle.PeriodStart);
        Assert.Equal(T0.AddMonths(1), cycle.PeriodEnd);
        var usage = Assert.Single(cycle.Lines.Data);
        Assert.Equal(price, usage.Pricing.PriceDetails.PriceId);
        Assert.Equal(42, usage.Quantity);
        Assert.Equal(1050, usage.Amount);
        Assert.Equal(1050, cycle.AmountPaid);
        Assert.Equal(0, cycle.AmountRemaining);
        Assert.Equal(T0.AddMonths(1).AddHours(1), cycle.StatusTransitions.PaidAt);
        Assert.Equal(42m, f.Server.Control.MeterTotal(key, customer, meter.Id, T0, T0.AddMonths(1)));

        var hook = await f.WaitForWebhookAsync(o => (string?)o["type"] == "invoice.paid" && (string?)o["data"]?["object"]?["id"] == cycle.Id, Ct);
        StrictParse.CheckJson(hook.Body);
        var evt = EventUtility.ConstructEvent(hook.Body, hook.Signature, f.WebhookSecret);
        var paid = Assert.IsType<Invoice>(evt.Data.Object);
        Assert.Equal(1050, paid.AmountPaid);
        Assert.Equal(new DateTimeOffset(T0.AddMonths(1).AddHours(1)).ToUnixTimeSeconds(), new DateTimeOffset(evt.Created).ToUnixTimeSeconds());

        // Every billing webhook of this customer parses strictly as Stripe.net 53.1.0 types and verifies.
        var mine = f.Webhooks.Where(w => w.Body.Contains(customer, StringComparison.Ordinal)).ToList();
        Assert.Contains(mine, w => w.Body.Contains("\"customer.subscription.created\"", StringComparison.Ordinal));
        foreach (var w in mine)
        {
            StrictParse.CheckJson(w.Body);
            Assert.NotNull(EventUtility.ConstructEvent(w.Body, w.Signature, f.WebhookSecret).Data.Object);
        }

        using var http = new HttpClient();
        using var response = await http.GetAsync(cycle.InvoicePdf, Ct);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        using var pdf = PdfDocument.Open(bytes);
        var text = string.Concat(pdf.GetPages().Select(p => p.Text));
        Assert.Contains("USD 10.50", text);
        Assert.Contains(cycle.Number, text);
    }

    [Fact]
    public async Task FailingCard_CycleInvoiceFails_PastDue_ThenCanceledAfterRetries()
    {
        var (stripe, _, clock, customer, _, price) = await MeteredSetupAsync("pm_card_chargeCustomerFail");
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
        }, cancellationToken: Ct);
        Assert.Equal("active", sub.Status);
        await ReportAsync(stripe, customer, 40);
        await AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddDays(1));

        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] }, cancellationToken: Ct);
        Assert.Equal("past_due", sub.Status);
        var inv = sub.LatestInvoice;
        Assert.Equal("open", inv.Status);
        Assert.Equal(1000, inv.AmountDue);
        Assert.Equal(1000, inv.AmountRemaining);
        Assert.Equal(1, inv.AttemptCount);
        Assert.Equal(T0.AddMonths(1).AddHours(1).AddDays(3), inv.NextPaymentAttempt);

        var hook = await f.WaitForWebhookAsync(o => (string?)o["type"] == "invoice.payment_failed" && (string?)o["data"]?["object"]?["id"] == inv.Id, Ct);
        var evt = EventUtility.ConstructEvent(hook.Body, hook.Signature, f.WebhookSecret);
        Assert.Equal(EventTypes.InvoicePaymentFailed, evt.Type);

        await AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddDays(20));
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct);
        Assert.Equal("canceled", sub.Status);
        inv = await stripe.V1.Invoices.GetAsync(inv.Id, cancellationToken: Ct);
        Assert.Equal(4, inv.AttemptCount);
        Assert.Null(inv.NextPaymentAttempt);
    }

    [Fact]
    public async Task PastDue_RecoversWhenTheCustomerFixesTheCard_AtTheNextRetry()
    {
        var (stripe, _, clock, customer, _, price) = await MeteredSetupAsync("pm_card_chargeCustomerFail");
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
        }, cancellationToken: Ct);
        await ReportAsync(stripe, customer, 8);
        await AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddDays(1));
        Assert.Equal("past_due", (await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct)).Status);

        var visa = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer }, cancellationToken: Ct);
        await stripe.V1.Customers.UpdateAsync(customer, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = visa.Id },
        }, cancellationToken: Ct);
        await AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddDays(5));

        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] }, cancellationToken: Ct);
        Assert.Equal("active", sub.Status);
        Assert.Equal("paid", sub.LatestInvoice.Status);
        Assert.Equal(200, sub.LatestInvoice.AmountPaid);
        Assert.Equal(2, sub.LatestInvoice.AttemptCount);
        Assert.Equal(T0.AddMonths(1).AddHours(1).AddDays(3), sub.LatestInvoice.StatusTransitions.PaidAt);
    }

    [Fact]
    public async Task CycleInvoice_IsDraftDuringTheGraceHour_LateUsageCounts_AndCanBeFinalizedEarly()
    {
        var (stripe, _, clock, customer, _, price) = await MeteredSetupAsync("pm_card_visa");
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
        }, cancellationToken: Ct);
        await AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddMinutes(20));
        var draft = Assert.Single((await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = sub.Id, Status = "draft" }, cancellationToken: Ct)).Data);
        Assert.Null(draft.InvoicePdf);
        Assert.Null(draft.Number);
        Assert.Equal(T0.AddMonths(1).AddHours(1), draft.AutomaticallyFinalizesAt);

        // Usage for the ended period reported during the grace hour still reaches the invoice.
        await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = "api_requests",
            Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "4" },
            Timestamp = T0.AddMonths(1).AddMinutes(-1),
        }, cancellationToken: Ct);
        var finalized = await stripe.V1.Invoices.FinalizeInvoiceAsync(draft.Id, cancellationToken: Ct);
        Assert.Equal("paid", finalized.Status);
        Assert.Equal(100, finalized.AmountPaid);
        Assert.NotNull(finalized.Number);
        var again = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Invoices.FinalizeInvoiceAsync(draft.Id, cancellationToken: Ct));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, again.HttpStatusCode);
    }
}
