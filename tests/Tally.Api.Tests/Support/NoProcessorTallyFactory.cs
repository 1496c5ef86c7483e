namespace Tally.Api.Tests.Support;

/// <summary>Tally on the emulator with its webhook processor off: the mirror is filled by the sync alone.</summary>
public sealed class NoProcessorTallyFactory : StripeTallyFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Webhooks:ProcessorEnabled"] = "false";
            return settings;
        }
    }
}
