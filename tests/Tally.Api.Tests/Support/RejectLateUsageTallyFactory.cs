namespace Tally.Api.Tests.Support;

/// <summary>The usage pipeline with <c>Usage__LatePolicy=reject</c>.</summary>
public sealed class RejectLateUsageTallyFactory : UsageTallyFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Usage:LatePolicy"] = "reject";
            return settings;
        }
    }
}
