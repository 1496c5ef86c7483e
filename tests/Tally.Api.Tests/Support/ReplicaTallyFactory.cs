namespace Tally.Api.Tests.Support;

/// <summary>A second Tally (own database) on the same Stripe account, fed events by the test only.</summary>
public sealed class ReplicaTallyFactory(StripeTallyFactory primary) : TallyFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["STRIPE_SECRET_KEY"] = StripeTallyFactory.ApiKey,
        ["STRIPE_API_BASE"] = primary.Emulator.ApiBase,
        ["STRIPE_WEBHOOK_SECRET"] = StripeTallyFactory.WebhookSecret,
        ["STRIPE_PRICE_METERED_ID"] = primary.PriceId,
        ["STRIPE_PRODUCT_ID"] = primary.ProductId,
    };
}
