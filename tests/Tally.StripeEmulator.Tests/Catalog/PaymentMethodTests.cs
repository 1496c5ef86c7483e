using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Catalog;

public sealed class PaymentMethodTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(StripeClient, Customer)> ClientWithCustomer(EmulatorFixture fx)
    {
        var client = fx.NewClient();
        return (client, await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "pm@example.com" }, cancellationToken: Ct));
    }

    [Fact]
    public async Task AttachMagicId_CreatesNewPmEachTime()
    {
        var (client, customer) = await ClientWithCustomer(fx);
        var first = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        var second = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        StrictParse.Check(first);
        Assert.NotEqual(first.Id, second.Id);
        Assert.StartsWith("pm_", first.Id);
        Assert.Equal("payment_method", first.Object);
        Assert.Equal("card", first.Type);
        Assert.Equal(("visa", "4242"), (first.Card.Brand, first.Card.Last4));
        Assert.Equal(customer.Id, first.CustomerId);

        var list = await client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id, Type = "card" }, cancellationToken: Ct);
        Assert.Equal([second.Id, first.Id], list.Data.Select(p => p.Id));
        var viaCustomer = await client.V1.Customers.PaymentMethods.ListAsync(customer.Id, cancellationToken: Ct);
        Assert.Equal(2, viaCustomer.Data.Count);
        Assert.Equal(first.Id, (await client.V1.Customers.PaymentMethods.GetAsync(customer.Id, first.Id, cancellationToken: Ct)).Id);
        var events = await client.V1.Events.ListAsync(new EventListOptions { Type = "payment_method.attached" }, cancellationToken: Ct);
        Assert.Equal(2, events.Data.Count);
    }

    [Theory]
    [InlineData("pm_card_amex", "amex", "8431")]
    [InlineData("pm_card_mastercard", "mastercard", "4444")]
    [InlineData("pm_card_visa_debit", "visa", "5556")]
    public async Task AttachMagicId_HasTheCardsBrandAndLast4(string magic, string brand, string last4)
    {
        var (client, customer) = await ClientWithCustomer(fx);
        var pm = await client.V1.PaymentMethods.AttachAsync(magic, new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        Assert.Equal((brand, last4), (pm.Card.Brand, pm.Card.Last4));
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "card_declined", "generic_decline", "Your card was declined.")]
    [InlineData("pm_card_visa_chargeDeclined", "card_declined", "generic_decline", "Your card was declined.")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds", "Your card has insufficient funds.")]
    [InlineData("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired.")]
    [InlineData("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.")]
    [InlineData("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit.")]
    public async Task AttachDeclineCard_Is402CardError(string magic, string code, string declineCode, string message)
    {
        var (client, customer) = await ClientWithCustomer(fx);
        var e = await Assert.ThrowsAsync<StripeException>(() =>
            client.V1.PaymentMethods.AttachAsync(magic, new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.PaymentRequired, e.HttpStatusCode);
        Assert.Equal("card_error", e.StripeError.Type);
        Assert.Equal(code, e.StripeError.Code);
        Assert.Equal(declineCode, e.StripeError.DeclineCode);
        Assert.Equal(message, e.StripeError.Message);
        Assert.Empty((await client.V1.Customers.PaymentMethods.ListAsync(customer.Id, cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task ChargeCustomerFail_AttachesFine_ButIsFlaggedToFailCharges()
    {
        var key = EmulatorFixture.NewKey();
        var client = fx.Client(key);
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var pm = await client.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        Assert.Equal(customer.Id, pm.CustomerId);
        Assert.Equal("0341", pm.Card.Last4);

        var failure = fx.Server.Control.WithAccount(key, a => Tally.StripeEmulator.Catalog.TestCards.ChargeFailure(a.Store["payment_method"].Get(pm.Id)!));
        Assert.NotNull(failure);
        Assert.Equal((402, "card_declined", "generic_decline"), (failure.Status, failure.Code, failure.DeclineCode));
        var visa = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        Assert.Null(fx.Server.Control.WithAccount(key, a => Tally.StripeEmulator.Catalog.TestCards.ChargeFailure(a.Store["payment_method"].Get(visa.Id)!)));
    }

    [Fact]
    public async Task Attach_UnknownPm_Is404_AndUnknownCustomer_Is400()
    {
        var (client, customer) = await ClientWithCustomer(fx);
        var e = await Assert.ThrowsAsync<StripeException>(() =>
            client.V1.PaymentMethods.AttachAsync("pm_doesnotexist", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
        Assert.Equal("resource_missing", e.StripeError.Code);

        var noCustomer = await Assert.ThrowsAsync<StripeException>(() =>
            client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = "cus_missing" }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, noCustomer.HttpStatusCode);
        Assert.Equal("customer", noCustomer.StripeError.Param);
    }

    [Fact]
    public async Task Attach_ToSecondCustomer_Is400()
    {
        var (client, customer) = await ClientWithCustomer(fx);
        var other = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var pm = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<StripeException>(() =>
            client.V1.PaymentMethods.AttachAsync(pm.Id, new PaymentMethodAttachOptions { Customer = other.Id }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
    }

    [Fact]
    public async Task Detach_ClearsCustomer_AndCustomerDefault()
    {
        var (client, customer) = await ClientWithCustomer(fx);
        var pm = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        await client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { InvoiceSettings = new() { DefaultPaymentMethod = pm.Id } }, cancellationToken: Ct);

        var detached = await client.V1.PaymentMethods.DetachAsync(pm.Id, cancellationToken: Ct);
        Assert.Null(detached.CustomerId);
        Assert.Null((await client.V1.Customers.GetAsync(customer.Id, cancellationToken: Ct)).InvoiceSettings.DefaultPaymentMethodId);
        Assert.Empty((await client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id }, cancellationToken: Ct)).Data);
        var again = await Assert.ThrowsAsync<StripeException>(() => client.V1.PaymentMethods.DetachAsync(pm.Id, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
    }

    [Fact]
    public async Task Create_FromCardToken_AndUpdateBillingDetails()
    {
        var client = fx.NewClient();
        var pm = await client.V1.PaymentMethods.CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card", Card = new PaymentMethodCardOptions { Token = "tok_mastercard" },
        }, cancellationToken: Ct);
        Assert.Equal("mastercard", pm.Card.Brand);
        Assert.Null(pm.CustomerId);
        var updated = await client.V1.PaymentMethods.UpdateAsync(pm.Id, new PaymentMethodUpdateOptions
        {
            BillingDetails = new PaymentMethodBillingDetailsOptions { Name = "Ada Lovelace" }, Metadata = new() { ["k"] = "v" },
        }, cancellationToken: Ct);
        Assert.Equal("Ada Lovelace", updated.BillingDetails.Name);
        Assert.Equal("v", updated.Metadata["k"]);
    }
}
