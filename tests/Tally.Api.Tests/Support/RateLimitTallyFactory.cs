namespace Tally.Api.Tests.Support;

/// <summary>Plain Tally (no Stripe) whose Stripe-backed endpoints admit one request per user and minute.</summary>
public sealed class RateLimitTallyFactory : TallyFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["TALLY_RATE_LIMIT_STRIPE_PER_MINUTE"] = "1" };
}
