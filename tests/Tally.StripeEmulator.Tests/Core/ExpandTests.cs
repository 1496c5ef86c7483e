using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class ExpandTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(Customer Customer, PaymentMethod Pm)> CustomerWithDefaultPm(StripeClient client)
    {
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "x@example.com" }, cancellationToken: Ct);
        var pm = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, cancellationToken: Ct);
        customer = await client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id },
        }, cancellationToken: Ct);
        return (customer, pm);
    }

    [Fact]
    public async Task Get_WithExpandedDefaultPaymentMethod_ReturnsFullObject()
    {
        var client = fx.NewClient();
        var (customer, pm) = await CustomerWithDefaultPm(client);
        Assert.Equal(pm.Id, customer.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Null(customer.InvoiceSettings.DefaultPaymentMethod);

        var expanded = await client.V1.Customers.GetAsync(customer.Id, new CustomerGetOptions { Expand = ["invoice_settings.default_payment_method"] }, cancellationToken: Ct);
        Assert.Equal(pm.Id, expanded.InvoiceSettings.DefaultPaymentMethod.Id);
        Assert.Equal("4242", expanded.InvoiceSettings.DefaultPaymentMethod.Card.Last4);
        Assert.Equal(customer.Id, expanded.InvoiceSettings.DefaultPaymentMethod.CustomerId);
    }

    [Fact]
    public async Task List_WithDataPrefixedExpand_ExpandsEachItem_TwoLevelsDeep()
    {
        var client = fx.NewClient();
        var (customer, _) = await CustomerWithDefaultPm(client);
        var list = await client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions
        {
            Customer = customer.Id, Expand = ["data.customer.invoice_settings.default_payment_method"],
        }, cancellationToken: Ct);
        var item = Assert.Single(list.Data);
        Assert.Equal(customer.Id, item.Customer.Id);
        Assert.Equal(item.Id, item.Customer.InvoiceSettings.DefaultPaymentMethod.Id);
    }

    [Fact]
    public async Task Expand_OnPriceProduct_AndOnListOfPrices()
    {
        var client = fx.NewClient();
        var price = await client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "usd", UnitAmount = 1500, ProductData = new PriceProductDataOptions { Name = "Pro" },
            Recurring = new PriceRecurringOptions { Interval = "month" },
        }, cancellationToken: Ct);
        Assert.Null(price.Product);

        var got = await client.V1.Prices.GetAsync(price.Id, new PriceGetOptions { Expand = ["product"] }, cancellationToken: Ct);
        Assert.Equal("Pro", got.Product.Name);
        var list = await client.V1.Prices.ListAsync(new PriceListOptions { Expand = ["data.product"] }, cancellationToken: Ct);
        Assert.Equal("Pro", Assert.Single(list.Data).Product.Name);
    }

    [Fact]
    public async Task Expand_UnknownField_Is400()
    {
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.GetAsync(customer.Id, new CustomerGetOptions { Expand = ["email"] }, cancellationToken: Ct));
        Assert.Equal("expand", e.StripeError.Param);
        Assert.Contains("cannot be expanded", e.StripeError.Message);
        var listError = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.ListAsync(new CustomerListOptions { Expand = ["invoice_settings.default_payment_method"] }, cancellationToken: Ct));
        Assert.Equal("expand", listError.StripeError.Param);
    }

    [Fact]
    public async Task ComputedIncludable_IsOnlyReturnedWhenExpanded()
    {
        fx.Server.Emulator.Expansions.RegisterComputed("customer", "tax_ids", static (_, customer) =>
            new System.Text.Json.Nodes.JsonObject
            {
                ["object"] = "list", ["data"] = new System.Text.Json.Nodes.JsonArray(), ["has_more"] = false,
                ["url"] = $"/v1/customers/{customer["id"]}/tax_ids",
            });
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        Assert.Null(customer.TaxIds);
        var expanded = await client.V1.Customers.GetAsync(customer.Id, new CustomerGetOptions { Expand = ["tax_ids"] }, cancellationToken: Ct);
        Assert.Equal($"/v1/customers/{customer.Id}/tax_ids", expanded.TaxIds.Url);
    }
}
