using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Stripe;

public sealed class GatewayTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Gateway_ReachesTheConfiguredStripe_ThroughStripeNet()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<StripeGateway>();

        var price = await gateway.GetPriceAsync(factory.PriceId, Ct);

        Assert.NotNull(price);
        Assert.Equal(factory.PriceId, price.Id);
        Assert.Equal("metered", price.UsageType);
        Assert.Equal(factory.MeterId, price.MeterId);
        Assert.Equal(2, price.UnitAmount);
        Assert.Contains(factory.Emulator.Control.Requests, r => r.Path == $"/v1/prices/{factory.PriceId}");
    }

    [Fact]
    public async Task CreateCustomer_IsIdempotentPerUser()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<StripeGateway>();

        var first = (await gateway.CreateCustomerAsync(4242, 0, "idem@example.com", "Idem", Ct)).Value;
        var second = (await gateway.CreateCustomerAsync(4242, 0, "idem@example.com", "Idem", Ct)).Value;

        Assert.NotNull(first);
        Assert.Equal(first.Id, second?.Id);
        Assert.Equal("4242", first.Metadata["tally_user_id"]);
        Assert.Equal(factory.Services.GetRequiredService<StripeAccount>().InstallationId, first.Metadata["tally_installation"]);
        Assert.False(first.Metadata.ContainsKey("user_id"));
    }

    [Fact]
    public void RealStripeMode_UsesExactlyTheConfiguredIds()
    {
        var account = factory.Services.GetRequiredService<StripeAccount>();

        Assert.False(account.IsEmulator);
        Assert.Equal(factory.PriceId, account.PriceMeteredId);
        Assert.Equal(StripeTallyFactory.WebhookSecret, account.WebhookSecret);
        Assert.DoesNotContain(factory.Emulator.Control.Requests, r => r.Method == "POST" && r.Path is "/v1/products" or "/v1/prices" && r.IdempotencyKey?.StartsWith("tally-bootstrap", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task MissingObjects_AreNull_AndRefusals_AreOutcomes()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<StripeGateway>();
        var customer = (await gateway.CreateCustomerAsync(4343, 0, "outcomes@example.com", null, Ct)).Value!;

        Assert.Null(await gateway.GetPriceAsync("price_doesnotexist", Ct));
        Assert.Null(await gateway.GetCustomerAsync("cus_doesnotexist", Ct));
        Assert.Null(await gateway.GetInvoiceAsync("in_doesnotexist", Ct));
        Assert.Null(await gateway.GetSubscriptionAsync("sub_doesnotexist", Ct));
        Assert.Equal(StripeOutcome.UnknownObject, (await gateway.AttachPaymentMethodAsync(customer.Id, "pm_doesnotexist", true, Ct)).Outcome);
        Assert.Equal(StripeOutcome.UnknownObject, (await gateway.CreateSubscriptionAsync(customer.Id, "price_doesnotexist", 4343, "k-unknown-price", null, Ct)).Outcome);
    }
}
