using System.Net;
using Stripe;
using Stripe.TestHelpers;

namespace Tally.StripeEmulator.Tests.Billing;

[Collection(BillingCollection.Name)]
public sealed class SubscriptionTests(BillingFixture f)
{
    private static readonly DateTime T0 = BillingCycleTests.T0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(StripeClient Stripe, TestClock Clock, string Customer, string Price)> LicensedSetupAsync(string card = "pm_card_visa", decimal unit = 1000)
    {
        var stripe = f.Client(BillingFixture.NewKey());
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id, card);
        var price = await CatalogSeed.PriceAsync(stripe, unit);
        return (stripe, clock, customer, price);
    }

    private static Task<Subscription> SubscribeAsync(StripeClient stripe, string customer, string price, long quantity = 1, Action<SubscriptionCreateOptions>? configure = null)
    {
        var options = new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price, Quantity = quantity }],
            Expand = ["latest_invoice"],
        };
        configure?.Invoke(options);
        return stripe.V1.Subscriptions.CreateAsync(options, cancellationToken: Ct);
    }

    private static async Task<List<Invoice>> InvoicesAsync(StripeClient stripe, string subscription) =>
        [.. (await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscription, Limit = 100 }, cancellationToken: Ct)).Data.OrderBy(i => i.Created)];

    [Fact]
    public async Task Licensed_FirstInvoiceChargedAtCreate_RenewsEachMonth()
    {
        var (stripe, clock, customer, price) = await LicensedSetupAsync();
        var sub = await SubscribeAsync(stripe, customer, price, quantity: 2);
        Assert.Equal("active", sub.Status);
        Assert.Equal(2000, sub.LatestInvoice.AmountPaid);
        Assert.Equal("paid", sub.LatestInvoice.Status);
        Assert.NotNull(sub.LatestInvoice.Number);
        Assert.Equal(2, sub.Items.Data[0].Quantity);
        Assert.Equal(T0, sub.BillingCycleAnchor);
        Assert.Equal(clock.Id, sub.TestClockId);

        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddMonths(2).AddHours(2));
        var invoices = await InvoicesAsync(stripe, sub.Id);
        Assert.Equal([2000L, 2000L, 2000L], invoices.Select(i => i.AmountPaid));
        Assert.Equal(["subscription_create", "subscription_cycle", "subscription_cycle"], invoices.Select(i => i.BillingReason));
        var line = Assert.Single(invoices[2].Lines.Data);
        Assert.Equal(T0.AddMonths(2), line.Period.Start);
        Assert.Equal(T0.AddMonths(3), line.Period.End);
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct);
        Assert.Equal(T0.AddMonths(2), sub.Items.Data[0].CurrentPeriodStart);
        Assert.Equal(invoices[2].Id, sub.LatestInvoiceId);
    }

    [Fact]
    public async Task Trial_IsFree_ThenFirstChargeAtTrialEnd()
    {
        var (stripe, clock, customer, price) = await LicensedSetupAsync();
        var sub = await SubscribeAsync(stripe, customer, price, configure: o => o.TrialPeriodDays = 14);
        Assert.Equal("trialing", sub.Status);
        Assert.Equal(T0.AddDays(14), sub.TrialEnd);
        Assert.Equal(T0.AddDays(14), sub.Items.Data[0].CurrentPeriodEnd);
        Assert.Equal(0, sub.LatestInvoice.Total);
        Assert.StartsWith("Trial period for", sub.LatestInvoice.Lines.Data[0].Description);

        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddDays(14).AddHours(2));
        var willEnd = await f.WaitForWebhookAsync(o => (string?)o["type"] == "customer.subscription.trial_will_end" && (string?)o["data"]?["object"]?["id"] == sub.Id, Ct);
        Assert.Equal(T0.AddDays(11), EventUtility.ConstructEvent(willEnd.Body, willEnd.Signature, f.WebhookSecret).Created);
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] }, cancellationToken: Ct);
        Assert.Equal("active", sub.Status);
        Assert.Equal(1000, sub.LatestInvoice.AmountPaid);
        Assert.Equal(T0.AddDays(14).AddMonths(1), sub.Items.Data[0].CurrentPeriodEnd);
    }

    [Fact]
    public async Task CancelAtPeriodEnd_EndsTheSubscriptionAtThePeriodEnd()
    {
        var (stripe, clock, customer, price) = await LicensedSetupAsync();
        var sub = await SubscribeAsync(stripe, customer, price);
        sub = await stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, cancellationToken: Ct);
        Assert.True(sub.CancelAtPeriodEnd);
        Assert.Equal("active", sub.Status);
        Assert.Equal(T0, sub.CanceledAt);

        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddDays(1));
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct);
        Assert.Equal("canceled", sub.Status);
        Assert.Equal(T0.AddMonths(1), sub.EndedAt);
        Assert.Single(await InvoicesAsync(stripe, sub.Id));
        var hook = await f.WaitForWebhookAsync(o => (string?)o["type"] == "customer.subscription.deleted" && (string?)o["data"]?["object"]?["id"] == sub.Id, Ct);
        var evt = EventUtility.ConstructEvent(hook.Body, hook.Signature, f.WebhookSecret);
        Assert.Equal("canceled", Assert.IsType<Subscription>(evt.Data.Object).Status);
    }

    [Fact]
    public async Task CancelAt_MidPeriod_EndsThere_AndInvoicesTheMeteredUsageSoFar()
    {
        var (stripe, clock, customer, _) = await LicensedSetupAsync();
        var meter = await CatalogSeed.MeterAsync(stripe);
        var metered = await CatalogSeed.PriceAsync(stripe, 3, meter.Id);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = metered }],
            CancelAt = T0.AddDays(10),
        }, cancellationToken: Ct);
        Assert.Equal(T0.AddDays(10), sub.CancelAt);
        await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = "api_requests", Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "7" },
        }, cancellationToken: Ct);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddDays(11));
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] }, cancellationToken: Ct);
        Assert.Equal("canceled", sub.Status);
        Assert.Equal(T0.AddDays(10), sub.EndedAt);
        Assert.Equal(21, sub.LatestInvoice.AmountPaid);
        Assert.Equal(T0.AddDays(10), sub.LatestInvoice.PeriodEnd);
    }

    [Fact]
    public async Task FutureBillingCycleAnchor_ProratesTheFirstInvoice()
    {
        var (stripe, clock, customer, _) = await LicensedSetupAsync();
        var price = await CatalogSeed.PriceAsync(stripe, 3100);
        var sub = await SubscribeAsync(stripe, customer, price, configure: o => o.BillingCycleAnchor = T0.AddDays(10));
        Assert.Equal(T0.AddDays(10), sub.BillingCycleAnchor);
        Assert.Equal(T0.AddDays(10), sub.Items.Data[0].CurrentPeriodEnd);
        Assert.Equal(1000, sub.LatestInvoice.AmountPaid);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddDays(10).AddHours(2));
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] }, cancellationToken: Ct);
        Assert.Equal(3100, sub.LatestInvoice.AmountPaid);
        Assert.Equal(T0.AddDays(10).AddMonths(1), sub.Items.Data[0].CurrentPeriodEnd);
    }

    [Fact]
    public async Task DeletingTheCustomer_CancelsItsSubscriptions()
    {
        var (stripe, _, customer, price) = await LicensedSetupAsync();
        var sub = await SubscribeAsync(stripe, customer, price);
        await stripe.V1.Customers.DeleteAsync(customer, cancellationToken: Ct);
        sub = await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct);
        Assert.Equal("canceled", sub.Status);
        Assert.Equal(T0, sub.EndedAt);
    }

    [Fact]
    public async Task ClockAdvance_EmitsEventsInEmulatedTimeOrder()
    {
        var (stripe, clock, customer, price) = await LicensedSetupAsync();
        await SubscribeAsync(stripe, customer, price, configure: o => o.TrialPeriodDays = 7);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddMonths(3));
        var events = new List<Event>();
        await foreach (var e in stripe.V1.Events.ListAutoPagingAsync(new EventListOptions { Limit = 100 }, cancellationToken: Ct))
        {
            events.Add(e);
        }

        events.Reverse();
        var billing = events.Where(e => e.Type.StartsWith("invoice.", StringComparison.Ordinal) || e.Type.StartsWith("customer.subscription.", StringComparison.Ordinal)).ToList();
        Assert.True(billing.Count > 10);
        Assert.Equal(billing.Select(e => e.Created).Order(), billing.Select(e => e.Created));
        Assert.Contains(billing, e => e.Type == "customer.subscription.trial_will_end");
        Assert.Equal(4, billing.Count(e => e.Type == "invoice.paid"));
    }

    [Fact]
    public async Task CancelNow_And_ListByStatus()
    {
        var (stripe, _, customer, price) = await LicensedSetupAsync();
        var keep = await SubscribeAsync(stripe, customer, price);
        var gone = await SubscribeAsync(stripe, customer, price);
        var canceled = await stripe.V1.Subscriptions.CancelAsync(gone.Id, cancellationToken: Ct);
        Assert.Equal("canceled", canceled.Status);
        Assert.Equal(T0, canceled.EndedAt);
        var active = await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer }, cancellationToken: Ct);
        Assert.Equal(keep.Id, Assert.Single(active.Data).Id);
        var all = await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer, Status = "all" }, cancellationToken: Ct);
        Assert.Equal(2, all.Data.Count);
        var onlyCanceled = await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "canceled", Price = price }, cancellationToken: Ct);
        Assert.Equal(gone.Id, Assert.Single(onlyCanceled.Data).Id);
        var withSubs = await stripe.V1.Customers.GetAsync(customer, new CustomerGetOptions { Expand = ["subscriptions"] }, cancellationToken: Ct);
        Assert.Equal(keep.Id, Assert.Single(withSubs.Subscriptions.Data).Id);
        Assert.Null((await stripe.V1.Customers.GetAsync(customer, cancellationToken: Ct)).Subscriptions);
        var again = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Subscriptions.CancelAsync(gone.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
    }

    [Fact]
    public async Task QuantityChange_AndItemAddRemove_ShowOnTheNextInvoice()
    {
        var (stripe, clock, customer, price) = await LicensedSetupAsync();
        var addon = await CatalogSeed.PriceAsync(stripe, 300);
        var sub = await SubscribeAsync(stripe, customer, price, quantity: 2);
        var item = sub.Items.Data[0];
        sub = await stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = item.Id, Quantity = 5 }, new SubscriptionItemOptions { Price = addon }],
        }, cancellationToken: Ct);
        Assert.Equal([5L, 1L], sub.Items.Data.Select(i => i.Quantity));
        var hook = await f.WaitForWebhookAsync(o => (string?)o["type"] == "customer.subscription.updated" && (string?)o["data"]?["object"]?["id"] == sub.Id, Ct);
        var evt = EventUtility.ConstructEvent(hook.Body, hook.Signature, f.WebhookSecret);
        Assert.NotNull(evt.Data.PreviousAttributes);

        var addonItem = sub.Items.Data.Single(i => i.Price.Id == addon);
        var updated = await stripe.V1.SubscriptionItems.UpdateAsync(addonItem.Id, new SubscriptionItemUpdateOptions { Quantity = 3 }, cancellationToken: Ct);
        Assert.Equal(3, updated.Quantity);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddHours(2));
        var cycle = (await InvoicesAsync(stripe, sub.Id))[^1];
        Assert.Equal(5 * 1000 + 3 * 300, cycle.AmountPaid);

        var deleted = await stripe.V1.SubscriptionItems.DeleteAsync(addonItem.Id, cancellationToken: Ct);
        Assert.True(deleted.Deleted);
        var items = await stripe.V1.SubscriptionItems.ListAsync(new SubscriptionItemListOptions { Subscription = sub.Id }, cancellationToken: Ct);
        Assert.Equal(item.Id, Assert.Single(items.Data).Id);
        var created = await stripe.V1.SubscriptionItems.CreateAsync(new SubscriptionItemCreateOptions { Subscription = sub.Id, Price = addon, Quantity = 1 }, cancellationToken: Ct);
        Assert.Equal(T0.AddMonths(1), (await stripe.V1.SubscriptionItems.GetAsync(created.Id, cancellationToken: Ct)).CurrentPeriodStart);
    }

    [Theory]
    [InlineData("create_prorations", 0L, 12000L)]
    [InlineData("always_invoice", 3000L, 9000L)]
    [InlineData("none", 0L, 9000L)]
    public async Task QuantityChangeMidPeriod_IsProratedPerBehavior(string behavior, long updateInvoice, long cycleInvoice)
    {
        var (stripe, clock, customer, price) = await LicensedSetupAsync(unit: 3000);
        var sub = await SubscribeAsync(stripe, customer, price);
        var half = T0.AddDays(15.5);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, half);
        await stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = sub.Items.Data[0].Id, Quantity = 3 }],
            ProrationBehavior = behavior,
        }, cancellationToken: Ct);
        await BillingCycleTests.AdvanceAsync(stripe, clock.Id, T0.AddMonths(1).AddHours(2));
        var invoices = await InvoicesAsync(stripe, sub.Id);
        var update = invoices.SingleOrDefault(i => i.BillingReason == "subscription_update");
        Assert.Equal(updateInvoice, update?.AmountPaid ?? 0);
        var cycle = invoices.Single(i => i.BillingReason == "subscription_cycle");
        Assert.Equal(cycleInvoice, cycle.AmountPaid);
        var prorations = (update ?? cycle).Lines.Data.Where(l => l.Parent.SubscriptionItemDetails.Proration).ToList();
        if (behavior == "none")
        {
            return;
        }

        Assert.Equal([-1500L, 4500L], prorations.Select(l => l.Amount).Order());
        Assert.All(prorations, l => Assert.Equal(half, l.Period.Start));
    }

    [Fact]
    public async Task FailedUpdate_LeavesTheSubscriptionUnchanged()
    {
        var (stripe, _, customer, price) = await LicensedSetupAsync();
        var sub = await SubscribeAsync(stripe, customer, price, quantity: 2);
        var bad = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Subscriptions.UpdateAsync(sub.Id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = sub.Items.Data[0].Id, Quantity = 9 }],
            Metadata = new() { ["x"] = "y" },
            CancelAt = T0.AddDays(-1),
        }, cancellationToken: Ct));
        Assert.Equal("cancel_at", bad.StripeError.Param);
        var after = await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct);
        Assert.Equal(2, after.Items.Data[0].Quantity);
        Assert.Empty(after.Metadata);
        Assert.Null(after.CancelAt);
        var lastItem = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.SubscriptionItems.DeleteAsync(sub.Items.Data[0].Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, lastItem.HttpStatusCode);
        Assert.Single((await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct)).Items.Data);
    }

    [Fact]
    public async Task MeteredItem_RejectsQuantity_AndMismatchedIntervals()
    {
        var (stripe, _, customer, price) = await LicensedSetupAsync();
        var meter = await CatalogSeed.MeterAsync(stripe);
        var metered = await CatalogSeed.PriceAsync(stripe, 1, meter.Id);
        var e = await Assert.ThrowsAsync<StripeException>(() => SubscribeAsync(stripe, customer, metered, quantity: 3));
        Assert.Equal("items[0][quantity]", e.StripeError.Param);
        var yearly = await CatalogSeed.PriceAsync(stripe, 10000, interval: "year");
        var mix = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }, new SubscriptionItemOptions { Price = yearly }],
        }, cancellationToken: Ct));
        Assert.Equal("items[1][price]", mix.StripeError.Param);
        var missing = await Assert.ThrowsAsync<StripeException>(() => SubscribeAsync(stripe, "cus_nope", price));
        Assert.Equal("customer", missing.StripeError.Param);
    }

    [Fact]
    public async Task PaymentBehaviors_DefaultIncompleteThenPay_AndErrorIfIncompleteDeclines()
    {
        var (stripe, _, customer, price) = await LicensedSetupAsync();
        var sub = await SubscribeAsync(stripe, customer, price, configure: o => o.PaymentBehavior = "default_incomplete");
        Assert.Equal("incomplete", sub.Status);
        Assert.Equal("open", sub.LatestInvoice.Status);
        Assert.NotNull(sub.LatestInvoice.HostedInvoiceUrl);
        var paid = await stripe.V1.Invoices.PayAsync(sub.LatestInvoiceId, cancellationToken: Ct);
        Assert.Equal("paid", paid.Status);
        Assert.Equal("active", (await stripe.V1.Subscriptions.GetAsync(sub.Id, cancellationToken: Ct)).Status);

        var (failing, _, failingCustomer, failingPrice) = await LicensedSetupAsync("pm_card_chargeCustomerFail");
        var declined = await Assert.ThrowsAsync<StripeException>(() => SubscribeAsync(failing, failingCustomer, failingPrice,
            configure: o => o.PaymentBehavior = "error_if_incomplete"));
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.HttpStatusCode);
        Assert.Equal("card_error", declined.StripeError.Type);
        Assert.Empty((await failing.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" }, cancellationToken: Ct)).Data);

        var incomplete = await SubscribeAsync(failing, failingCustomer, failingPrice);
        Assert.Equal("incomplete", incomplete.Status);
        Assert.Equal(1, incomplete.LatestInvoice.AttemptCount);
    }

    [Fact]
    public async Task List_Over100_AutoPages_AndExpandsLatestInvoiceAndPrice()
    {
        var (stripe, _, customer, price) = await LicensedSetupAsync(unit: 500);
        for (var i = 0; i < 105; i++)
        {
            await SubscribeAsync(stripe, customer, price);
        }

        var seen = new List<Subscription>();
        await foreach (var s in stripe.V1.Subscriptions.ListAutoPagingAsync(new SubscriptionListOptions
        {
            Customer = customer,
            Limit = 100,
            Expand = ["data.latest_invoice", "data.items.data.price"],
        }, cancellationToken: Ct))
        {
            seen.Add(s);
        }
        Assert.Equal(105, seen.Count);
        Assert.Equal(105, seen.Select(s => s.Id).Distinct().Count());
        Assert.All(seen, s => Assert.Equal(500, s.LatestInvoice.AmountPaid));
        Assert.All(seen, s => Assert.Equal(price, s.Items.Data[0].Price.Id));
        var one = await stripe.V1.Subscriptions.GetAsync(seen[0].Id, new SubscriptionGetOptions
        {
            Expand = ["latest_invoice", "customer"],
        }, cancellationToken: Ct);
        Assert.Equal(customer, one.Customer.Id);
        var invoice = await stripe.V1.Invoices.GetAsync(one.LatestInvoiceId, new InvoiceGetOptions
        {
            Expand = ["parent.subscription_details.subscription"],
        }, cancellationToken: Ct);
        Assert.Equal(one.Id, invoice.Parent.SubscriptionDetails.Subscription.Id);
        Assert.Equal(500, invoice.Lines.Data[0].Amount);
    }
}
