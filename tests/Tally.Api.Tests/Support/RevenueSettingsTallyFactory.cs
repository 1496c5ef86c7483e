namespace Tally.Api.Tests.Support;

/// <summary>Tally with the <c>Revenue</c> section set to alternative policies (no Stripe data needed to read them back).</summary>
public sealed class RevenueSettingsTallyFactory : TallyFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Revenue:CancelPolicy"] = "at_request",
        ["Revenue:DiscountDurationsSubtracted"] = "forever",
        ["Revenue:WeekFactor"] = "4",
        ["Revenue:ChurnFormula"] = "baremetrics",
        ["Revenue:IncludeMeteredInMrr"] = "true",
        ["DEFAULT_CURRENCY"] = "eur",
    };
}
