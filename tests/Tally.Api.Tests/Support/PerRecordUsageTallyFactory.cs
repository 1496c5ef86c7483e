namespace Tally.Api.Tests.Support;

/// <summary>The usage pipeline in <c>per_record</c> mode: one meter event per report.</summary>
public sealed class PerRecordUsageTallyFactory : UsageTallyFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Usage:Mode"] = "per_record";
            return settings;
        }
    }
}
