using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class PersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task State_RoundTripsThroughFile_AcrossRestarts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tally-emulator-{Guid.NewGuid():N}.json");
        var key = EmulatorFixture.NewKey();
        try
        {
            string customerId, pmId, priceId, couponId, endpointId, clockId = "clock_persisted";
            var frozen = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var client = Clients.For(server, key);
                server.Control.WithAccount(key, a => { a.TestClocks.Set(clockId, frozen); return 0; });
                var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "keep@example.com", TestClock = clockId }, cancellationToken: Ct);
                customerId = customer.Id;
                pmId = (await client.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = customerId }, cancellationToken: Ct)).Id;
                await client.V1.Customers.UpdateAsync(customerId, new CustomerUpdateOptions { InvoiceSettings = new() { DefaultPaymentMethod = pmId } }, cancellationToken: Ct);
                priceId = (await client.V1.Prices.CreateAsync(new PriceCreateOptions
                {
                    Currency = "eur", UnitAmount = 900, LookupKey = "basic", ProductData = new() { Name = "Basic" },
                    Recurring = new() { Interval = "month" },
                }, cancellationToken: Ct)).Id;
                couponId = (await client.V1.Coupons.CreateAsync(new CouponCreateOptions { Id = "WELCOME", PercentOff = 20, Duration = "once" }, cancellationToken: Ct)).Id;
                endpointId = (await client.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions { Url = "http://127.0.0.1:9/hook", EnabledEvents = ["*"] }, cancellationToken: Ct)).Id;
            }
            Assert.True(System.IO.File.Exists(path));

            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var client = Clients.For(server, key);
                var customer = await client.V1.Customers.GetAsync(customerId, new CustomerGetOptions { Expand = ["invoice_settings.default_payment_method"] }, cancellationToken: Ct);
                Assert.Equal("keep@example.com", customer.Email);
                Assert.Equal(pmId, customer.InvoiceSettings.DefaultPaymentMethod.Id);
                Assert.Equal("0341", customer.InvoiceSettings.DefaultPaymentMethod.Card.Last4);
                Assert.Equal(frozen, server.Control.WithAccount(key, a => a.Now(customerId)));
                Assert.NotNull(server.Control.WithAccount(key, a => Tally.StripeEmulator.Catalog.TestCards.ChargeFailure(a.Store["payment_method"].Get(pmId)!)));
                var price = await client.V1.Prices.GetAsync(priceId, cancellationToken: Ct);
                Assert.Equal(900, price.UnitAmount);
                Assert.Equal("basic", price.LookupKey);
                Assert.Equal(20m, (await client.V1.Coupons.GetAsync(couponId, cancellationToken: Ct)).PercentOff);
                Assert.Equal("enabled", (await client.V1.WebhookEndpoints.GetAsync(endpointId, cancellationToken: Ct)).Status);
                Assert.Contains((await client.V1.Events.ListAsync(new EventListOptions { Limit = 100 }, cancellationToken: Ct)).Data, e => e.Type == "customer.created");

                var more = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "after@example.com" }, cancellationToken: Ct);
                Assert.Equal(2, (await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data.Count);
                Assert.NotEqual(customerId, more.Id);
            }
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public async Task Changes_AreSavedWithoutWaitingForShutdown()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tally-emulator-{Guid.NewGuid():N}.json");
        try
        {
            await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path, SaveDelay = TimeSpan.FromMilliseconds(20) }, Ct);
            var customer = await Clients.For(server, EmulatorFixture.NewKey()).V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "soon@example.com" }, cancellationToken: Ct);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!(System.IO.File.Exists(path) && (await System.IO.File.ReadAllTextAsync(path, Ct)).Contains(customer.Id)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, Ct);
            }

            Assert.Contains(customer.Id, await System.IO.File.ReadAllTextAsync(path, Ct));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
