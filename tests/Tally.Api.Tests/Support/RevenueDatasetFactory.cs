using Tally.StripeEmulator;

namespace Tally.Api.Tests.Support;

/// <summary>
/// Tally and a Stripe emulator holding the worked dataset of <c>revenue-metrics.md</c> §4, built through
/// the Stripe API (<see cref="RevenueDataset"/>) with every webhook delivered and processed before the
/// first test. Stripe's failed-payment setting is "leave the subscription past-due", so C7's failed June
/// renewal keeps it <c>past_due</c> at T as in the fixture (with Stripe's default it would be canceled by the last retry).
/// </summary>
public sealed class RevenueDatasetFactory : StripeTallyFactory
{
    public RevenueDataset Dataset { get; private set; } = null!;

    protected override StripeEmulatorOptions EmulatorOptions(string webhookUrl)
    {
        var options = base.EmulatorOptions(webhookUrl);
        options.AfterFailedRetries = FailedPaymentOutcome.LeavePastDue;
        return options;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Dataset = await RevenueDataset.BuildAsync(this);
    }
}

/// <summary>The test classes that read the worked dataset share one build of it.</summary>
[CollectionDefinition(Name)]
public sealed class RevenueDatasetCollection : ICollectionFixture<RevenueDatasetFactory>
{
    public const string Name = "revenue dataset";
}
