namespace Tally.Api.Tests.Support;

/// <summary>Plain Tally (no Stripe) whose own processor is off, so the test is the only claimer.</summary>
public sealed class ClaimOnlyTallyFactory : TallyFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Webhooks:ProcessorEnabled"] = "false" };
}
