using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Catalog;

public sealed class CustomerTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_ReturnsStripeShape()
    {
        var customer = await fx.NewClient().V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "ada@example.com", Name = "Ada", Metadata = new() { ["user_id"] = "42" },
        }, cancellationToken: Ct);
        StrictParse.Check(customer);
        Assert.StartsWith("cus_", customer.Id);
        Assert.Equal("customer", customer.Object);
        Assert.False(customer.Livemode);
        Assert.Equal("42", customer.Metadata["user_id"]);
        Assert.Null(customer.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Null(customer.Deleted);
        Assert.True(customer.Created > DateTime.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task Delete_ThenGet_ReturnsDeletedStub_AndListSkipsIt()
    {
        var client = fx.NewClient();
        var keep = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var gone = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var deleted = await client.V1.Customers.DeleteAsync(gone.Id, cancellationToken: Ct);
        Assert.True(deleted.Deleted);

        var fetched = await client.V1.Customers.GetAsync(gone.Id, cancellationToken: Ct);
        Assert.True(fetched.Deleted);
        Assert.Equal(keep.Id, Assert.Single((await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data).Id);
        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.UpdateAsync(gone.Id, new CustomerUpdateOptions { Name = "x" }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.HttpStatusCode);
        var events = await client.V1.Events.ListAsync(new EventListOptions { Type = "customer.deleted" }, cancellationToken: Ct);
        Assert.Equal(gone.Id, ((Customer)Assert.Single(events.Data).Data.Object).Id);
    }

    [Fact]
    public async Task List_FiltersByEmail()
    {
        var client = fx.NewClient();
        await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, cancellationToken: Ct);
        var b = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, cancellationToken: Ct);
        var list = await client.V1.Customers.ListAsync(new CustomerListOptions { Email = "b@example.com" }, cancellationToken: Ct);
        Assert.Equal(b.Id, Assert.Single(list.Data).Id);
    }

    [Fact]
    public async Task Search_ByMetadata()
    {
        var client = fx.NewClient();
        await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Metadata = new() { ["user_id"] = "1" } }, cancellationToken: Ct);
        var two = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "two@example.com", Metadata = new() { ["user_id"] = "2" } }, cancellationToken: Ct);
        var result = await client.V1.Customers.SearchAsync(new CustomerSearchOptions { Query = "metadata['user_id']:'2'" }, cancellationToken: Ct);
        Assert.Equal(two.Id, Assert.Single(result.Data).Id);
        var both = await client.V1.Customers.SearchAsync(new CustomerSearchOptions { Query = "metadata['user_id']:'2' AND email:'two@example.com'" }, cancellationToken: Ct);
        Assert.Single(both.Data);
    }

    [Fact]
    public async Task DefaultPaymentMethod_NotAttachedToCustomer_Is400NamingParam()
    {
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var other = await client.V1.Customers.CreateAsync(new CustomerCreateOptions(), cancellationToken: Ct);
        var pm = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = other.Id }, cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<StripeException>(() => client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id },
        }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("resource_missing", e.StripeError.Code);
        Assert.Equal("invoice_settings[default_payment_method]", e.StripeError.Param);
    }

    [Fact]
    public async Task Create_WithPaymentMethodAndDefault_AttachesANewPm_AndMakesItDefault()
    {
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            PaymentMethod = "pm_card_mastercard",
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = "pm_card_mastercard" },
        }, cancellationToken: Ct);
        var pmId = customer.InvoiceSettings.DefaultPaymentMethodId;
        Assert.StartsWith("pm_", pmId);
        Assert.NotEqual("pm_card_mastercard", pmId);
        var pm = await client.V1.PaymentMethods.GetAsync(pmId, cancellationToken: Ct);
        Assert.Equal(customer.Id, pm.CustomerId);
        Assert.Equal("mastercard", pm.Card.Brand);
    }

    [Fact]
    public async Task Update_ChangesFields_AndClearsDefaultPaymentMethod()
    {
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { PaymentMethod = "pm_card_visa" }, cancellationToken: Ct);
        var pm = Assert.Single((await client.V1.Customers.PaymentMethods.ListAsync(customer.Id, cancellationToken: Ct)).Data);
        await client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { InvoiceSettings = new() { DefaultPaymentMethod = pm.Id } }, cancellationToken: Ct);

        var options = new CustomerUpdateOptions { Name = "Renamed" };
        options.AddExtraParam("invoice_settings[default_payment_method]", "");
        var updated = await client.V1.Customers.UpdateAsync(customer.Id, options, cancellationToken: Ct);
        Assert.Equal("Renamed", updated.Name);
        Assert.Null(updated.InvoiceSettings.DefaultPaymentMethodId);
    }

    [Fact]
    public async Task Delete_CallsCustomerDeletedHook_AndDetachesPaymentMethods()
    {
        var seen = new List<string>();
        fx.Server.Emulator.Hooks.CustomerDeleted += (_, customer) => { lock (seen) { seen.Add((string)customer["id"]!); } };
        var client = fx.NewClient();
        var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { PaymentMethod = "pm_card_visa" }, cancellationToken: Ct);
        var pm = Assert.Single((await client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id }, cancellationToken: Ct)).Data);

        await client.V1.Customers.DeleteAsync(customer.Id, cancellationToken: Ct);

        lock (seen)
        {
            Assert.Contains(customer.Id, seen);
        }

        Assert.Null((await client.V1.PaymentMethods.GetAsync(pm.Id, cancellationToken: Ct)).CustomerId);
    }
}
