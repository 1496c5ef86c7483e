using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Stripe.TestHelpers;
using Tally.Api.Features.Users;

namespace Tally.Api.Tests.Support;

/// <summary>
/// A paid usage invoice with a real PDF: a customer on a test clock with <c>pm_card_visa</c> as default,
/// linked to a fresh editor, subscribed through Tally's API, usage reported, clock advanced past the period end.
/// </summary>
internal sealed record PaidInvoice(HttpClient Owner, long OwnerId, string CustomerId, string ClockId, string SubscriptionId, Invoice Invoice)
{
    public static readonly DateTime T0 = new(2026, 1, 15, 0, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<PaidInvoice> ArrangeAsync(StripeTallyFactory factory)
    {
        var stripe = factory.Stripe;
        var (owner, ownerId) = await factory.ClientWithRoleAsync("editor");
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"pdf-{ownerId}@example.test", TestClock = clock.Id }, cancellationToken: Ct);
        var pm = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        await stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id },
        }, cancellationToken: Ct);
        await factory.WithDbAsync(db => db.Set<User>().Where(u => u.Id == ownerId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.StripeCustomerId, customer.Id), Ct));

        var created = await owner.PostAsJsonAsync("/api/billing/subscriptions", new { }, Ct);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var subscriptionId = (await created.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("subscription_id").GetString()!;

        await AdvanceAsync(factory, clock.Id, T0.AddDays(10));
        await stripe.V1.Billing.MeterEvents.CreateAsync(new global::Stripe.Billing.MeterEventCreateOptions
        {
            EventName = StripeTallyFactory.MeterEventName,
            Identifier = $"usage-{Guid.NewGuid():N}",
            Payload = new() { ["stripe_customer_id"] = customer.Id, ["value"] = "21" },
        }, cancellationToken: Ct);
        await AdvanceAsync(factory, clock.Id, T0.AddMonths(1).AddHours(2));

        var invoices = await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscriptionId }, cancellationToken: Ct);
        var paid = invoices.Data.Single(i => i.BillingReason == "subscription_cycle");
        Assert.Equal("paid", paid.Status);
        Assert.Equal(42, paid.AmountPaid);
        Assert.NotNull(paid.InvoicePdf);
        return new PaidInvoice(owner, ownerId, customer.Id, clock.Id, subscriptionId, paid);
    }

    public static async Task AdvanceAsync(StripeTallyFactory factory, string clockId, DateTime to)
    {
        await factory.Stripe.V1.TestHelpers.TestClocks.AdvanceAsync(clockId, new TestClockAdvanceOptions { FrozenTime = to }, cancellationToken: Ct);
        var clock = await Eventually.ValueAsync(() => factory.Stripe.V1.TestHelpers.TestClocks.GetAsync(clockId, cancellationToken: Ct), c => c.Status == "ready", "the test clock to be ready");

        Assert.Equal("ready", clock.Status);
    }

    public static async Task<byte[]> DirectPdfAsync(string url)
    {
        using var http = new HttpClient();
        return await http.GetByteArrayAsync(url, Ct);
    }
}
