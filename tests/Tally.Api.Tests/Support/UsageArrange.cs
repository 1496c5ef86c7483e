using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Tally.Api.Tests.Support;

/// <summary>An editor with a Stripe customer and a metered subscription, made through Tally's API.</summary>
public sealed record MeteredEditor(HttpClient Client, long UserId, string CustomerId, string SubscriptionId, string ItemId,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd);

public static class UsageArrange
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<MeteredEditor> MeteredEditorAsync(TallyFactory factory, string role = "editor")
    {
        var (client, userId) = await factory.ClientWithRoleAsync(role);
        var customerId = await StripeArrange.CreateCustomerAsync(client);
        var answer = await client.PostAsync("/api/billing/subscriptions", null, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        return new MeteredEditor(client, userId, customerId, body.GetProperty("subscription_id").GetString()!,
            body.GetProperty("subscription_item_id").GetString()!, body.GetProperty("current_period_start").GetDateTimeOffset(),
            body.GetProperty("current_period_end").GetDateTimeOffset());
    }

    /// <summary>POSTs a report (an anonymous object as JSON) with an optional Idempotency-Key.</summary>
    public static Task<HttpResponseMessage> ReportAsync(HttpClient client, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/report_usage") { Content = JsonContent.Create(body, options: TallyFactory.Json) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return client.SendAsync(request, Ct);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
}

/// <summary>An editor whose Stripe customer lives on a test clock, with a metered subscription made through Tally's API.</summary>
public sealed record ClockedEditor(HttpClient Client, long UserId, string CustomerId, string ClockId, string SubscriptionId);

public static class ClockedUsageArrange
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ClockedEditor> ArrangeAsync(StripeTallyFactory factory, DateTime start)
    {
        var stripe = factory.Stripe;
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new Stripe.TestHelpers.TestClockCreateOptions { FrozenTime = start }, cancellationToken: Ct);
        var customer = await stripe.V1.Customers.CreateAsync(new Stripe.CustomerCreateOptions { Email = $"clocked-{userId}@example.test", TestClock = clock.Id }, cancellationToken: Ct);
        var pm = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new Stripe.PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        await stripe.V1.Customers.UpdateAsync(customer.Id, new Stripe.CustomerUpdateOptions
        {
            InvoiceSettings = new Stripe.CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id },
        }, cancellationToken: Ct);
        await factory.WithDbAsync(db => db.Set<Features.Users.User>().Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.StripeCustomerId, customer.Id), Ct));
        // Tally learns the customer's clock from the mirror (customer.created).
        await Eventually.TrueAsync(() => factory.WithDbAsync(db => db.Set<Features.Mirror.MirroredCustomer>()
            .AnyAsync(c => c.StripeCustomerId == customer.Id && c.TestClockId == clock.Id, Ct)), "the customer and its test clock mirrored");

        var created = await client.PostAsync("/api/billing/subscriptions", null, Ct);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var subscriptionId = (await created.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct)).GetProperty("subscription_id").GetString()!;
        return new ClockedEditor(client, userId, customer.Id, clock.Id, subscriptionId);
    }
}
