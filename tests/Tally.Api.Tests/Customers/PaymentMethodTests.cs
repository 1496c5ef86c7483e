using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Customers;

/// <summary><c>/api/stripe/attach_payment_method</c>: cards attached to the caller's Stripe customer, and refusals.</summary>
public sealed class PaymentMethodTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AttachPaymentMethod_Visa_BecomesTheDefaultInStripe()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        var answer = await client.PostAsJsonAsync("/api/stripe/attach_payment_method", new { payment_method_id = "pm_card_visa", set_default = true }, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var pm = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        var pmId = pm.GetProperty("id").GetString()!;
        Assert.StartsWith("pm_", pmId, StringComparison.Ordinal);
        Assert.NotEqual("pm_card_visa", pmId);
        Assert.Equal("visa", pm.GetProperty("brand").GetString());
        Assert.Equal("4242", pm.GetProperty("last4").GetString());
        Assert.True(pm.GetProperty("is_default").GetBoolean());
        var customer = await factory.Stripe.V1.Customers.GetAsync(customerId, cancellationToken: Ct);
        Assert.Equal(pmId, customer.InvoiceSettings.DefaultPaymentMethodId);
        var attached = await factory.Stripe.V1.PaymentMethods.GetAsync(pmId, cancellationToken: Ct);
        Assert.Equal(customerId, attached.CustomerId);
        var mirrored = await factory.WithDbAsync(db => db.Set<MirroredCustomer>().SingleAsync(c => c.StripeCustomerId == customerId, Ct));
        Assert.Equal(pmId, mirrored.DefaultPaymentMethodId);

        var read = await client.GetFromJsonAsync<JsonElement>("/api/stripe/customer", TallyFactory.Json, Ct);
        Assert.Equal(customerId, read.GetProperty("stripe_customer_id").GetString());
        Assert.Equal(pmId, read.GetProperty("default_payment_method").GetString());
        Assert.Equal(await EmailOfAsync(userId), read.GetProperty("email").GetString());
    }

    [Fact]
    public async Task AttachPaymentMethod_WithoutSetDefault_AttachesOnly()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        var answer = await client.PostAsJsonAsync("/api/stripe/attach_payment_method", new { payment_method_id = "pm_card_mastercard", set_default = false }, Ct);

        var pm = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        Assert.False(pm.GetProperty("is_default").GetBoolean());
        Assert.Equal("4444", pm.GetProperty("last4").GetString());
        var attached = await factory.Stripe.V1.PaymentMethods.GetAsync(pm.GetProperty("id").GetString()!, cancellationToken: Ct);
        Assert.Equal(customerId, attached.CustomerId);
        Assert.Null((await factory.Stripe.V1.Customers.GetAsync(customerId, cancellationToken: Ct)).InvoiceSettings.DefaultPaymentMethodId);
    }

    [Fact]
    public async Task AttachPaymentMethod_DeclinedCard_Is402WithStripesMessage_AndChangesNothing()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        var answer = await client.PostAsJsonAsync("/api/stripe/attach_payment_method", new { payment_method_id = "pm_card_chargeDeclined", set_default = true }, Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.PaymentRequired, "card_declined");
        Assert.Equal("Your card was declined.", problem.GetProperty("detail").GetString());
        Assert.Null((await factory.Stripe.V1.Customers.GetAsync(customerId, cancellationToken: Ct)).InvoiceSettings.DefaultPaymentMethodId);
        var methods = await factory.Stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customerId }, cancellationToken: Ct);
        Assert.Empty(methods.Data);
    }

    [Theory]
    [InlineData("pm_does_not_exist", "invalid_payment_method")]
    [InlineData("not a payment method", "invalid_payment_method")]
    [InlineData("", "validation_failed")]
    [InlineData(null, "validation_failed")]
    public async Task AttachPaymentMethod_BadId_Is400NamingTheField(string? paymentMethodId, string code)
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        var answer = await client.PostAsJsonAsync("/api/stripe/attach_payment_method", new { payment_method_id = paymentMethodId, set_default = true }, Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, code);
        Assert.True(problem.GetProperty("errors").TryGetProperty("payment_method_id", out _));
        var methods = await factory.Stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customerId }, cancellationToken: Ct);
        Assert.Empty(methods.Data);
    }

    [Fact]
    public async Task AttachPaymentMethod_SetDefaultNotABoolean_Is400NamingTheField()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");
        var customerId = await StripeArrange.CreateCustomerAsync(client);

        var answer = await client.PostAsync("/api/stripe/attach_payment_method",
            new StringContent("""{"payment_method_id":"pm_card_visa","set_default":"yes"}""", System.Text.Encoding.UTF8, "application/json"), Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, "invalid_json");
        Assert.True(problem.GetProperty("errors").TryGetProperty("set_default", out _));
        var methods = await factory.Stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customerId }, cancellationToken: Ct);
        Assert.Empty(methods.Data);
    }

    [Fact]
    public async Task AttachPaymentMethod_WithoutCustomer_Is404_AndCallsNoStripe()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var before = factory.Emulator.Control.Requests.Count(r => r.Path.StartsWith("/v1/payment_methods", StringComparison.Ordinal));

        var answer = await client.PostAsJsonAsync("/api/stripe/attach_payment_method", new { payment_method_id = "pm_card_visa" }, Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.NotFound, "no_stripe_customer");
        Assert.Equal("User has no Stripe customer", problem.GetProperty("detail").GetString());
        Assert.Equal(before, factory.Emulator.Control.Requests.Count(r => r.Path.StartsWith("/v1/payment_methods", StringComparison.Ordinal)));
        Assert.Null(await StoredCustomerIdAsync(userId));
    }

    private Task<string?> EmailOfAsync(long userId) => UserRows.EmailAsync(factory, userId);

    private Task<string?> StoredCustomerIdAsync(long userId) => UserRows.StripeCustomerIdAsync(factory, userId);
}
