using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Demo;
using Tally.Api.Features.Users;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Demo;

public sealed class DemoSeederTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_FillsStripeWithHistory_ThroughTheStripeApi()
    {
        var summary = await DemoRegistration.SeedOnceAsync(factory.Services, new DemoPlan(Months: 6, SignupsPerMonth: 4, Seed: 7), Ct);

        Assert.NotNull(summary);
        Assert.Equal(24, summary.Customers);
        var customers = await factory.Stripe.V1.Customers.ListAutoPagingAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: Ct)
            .Where(c => c.Email?.StartsWith("demo+", StringComparison.Ordinal) == true).ToListAsync(Ct);
        Assert.Equal(24, customers.Count);
        Assert.All(customers, c => Assert.Equal(summary.TestClockId, c.TestClockId));

        var invoices = await factory.Stripe.V1.Invoices.ListAutoPagingAsync(new InvoiceListOptions { Limit = 100 }, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Contains(invoices, i => i.Status == "paid" && i.AmountPaid > 0 && i.BillingReason == "subscription_cycle");
        if (summary.FailingCards > 0)
        {
            Assert.Contains(invoices, i => i.Status is "open" or "uncollectible" && i.AmountRemaining > 0);
        }

        var subscriptions = await factory.Stripe.V1.Subscriptions.ListAutoPagingAsync(new SubscriptionListOptions { Status = "all", Limit = 100 }, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(24, subscriptions.Count(s => s.Metadata.GetValueOrDefault("demo") == "true"));
        Assert.Contains(subscriptions, s => s.Status == "canceled");
        Assert.Contains(subscriptions, s => s.Status == "active");

        var users = await factory.WithDbAsync(db => db.Set<User>().CountAsync(u => u.Email!.StartsWith("demo+"), Ct));
        Assert.Equal(24, users);
    }

    [Fact]
    public async Task SeedOnce_DoesNothingTheSecondTime()
    {
        await using var own = new StripeTallyFactory();
        await own.InitializeAsync();
        Assert.NotNull(await DemoRegistration.SeedOnceAsync(own.Services, new DemoPlan(Months: 1, SignupsPerMonth: 1), Ct));
        var before = (await own.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: Ct)).Data.Count;

        var second = await DemoRegistration.SeedOnceAsync(own.Services, new DemoPlan(Months: 1, SignupsPerMonth: 1), Ct);

        Assert.Null(second);
        Assert.Equal(before, (await own.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: Ct)).Data.Count);
    }
}
