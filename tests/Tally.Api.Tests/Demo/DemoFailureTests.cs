using Microsoft.Extensions.Time.Testing;
using Stripe;
using Tally.Api.Features.Demo;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;

namespace Tally.Api.Tests.Demo;

/// <summary>A seeding that fails names its step, keeps what it made, and is not remembered as done.</summary>
public sealed class DemoFailureTests
{
    private static readonly DateTimeOffset Today = new(2026, 6, 15, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_WhenStripeRefusesToAdvanceTheClock_NamesTheStep_KeepsWhatWasMade_AndRunsAgainLater()
    {
        await using var factory = new UsageTallyFactory();
        await factory.InitializeAsync();
        var plan = new DemoPlan(Months: 2, SignupsPerMonth: 1, Seed: 3);
        // Creating a clock is POST /v1/test_helpers/test_clocks; advancing one is POST .../test_clocks/{id}/advance.
        factory.Emulator.Control.AddFault(new FaultRule { PathPrefix = "/v1/test_helpers/test_clocks/", Method = "POST", Kind = FaultKind.RateLimit });

        var failure = await Assert.ThrowsAsync<DemoSeedingException>(
            () => DemoRegistration.SeedOnceAsync(factory.Services, plan, today: new FakeTimeProvider(Today), ct: Ct));

        Assert.Equal("month 1 of 2 (2026-04-15 to 2026-05-15): advancing the test clock to 2026-05-06", failure.Step);
        Assert.Equal((1, 1), (failure.SoFar.Customers, failure.SoFar.Subscriptions));
        var text = DemoRegistration.FailureText(failure);
        Assert.Contains(failure.Step, text);
        Assert.Contains("429", text);
        Assert.Contains("1 customers", text);
        var customers = await factory.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Limit = 100 }, cancellationToken: Ct);
        Assert.Single(customers.Data, c => c.Email == "demo+1@example.com" && c.TestClockId == failure.SoFar.TestClockId);

        factory.Emulator.Control.ClearFaults();
        var second = await DemoRegistration.SeedOnceAsync(factory.Services, plan, today: new FakeTimeProvider(Today), ct: Ct);

        Assert.NotNull(second);
        Assert.Equal(2, second.Customers);
        Assert.NotEqual(failure.SoFar.TestClockId, second.TestClockId);
    }
}
