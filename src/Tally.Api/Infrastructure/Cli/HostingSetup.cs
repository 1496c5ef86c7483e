namespace Tally.Api.Infrastructure.Cli;

internal static class HostingSetup
{
    public const string DefaultUrl = "http://localhost:8000";

    /// <summary>
    /// The content root is the application's folder (so appsettings.json is found wherever Tally is
    /// started from); the working directory still holds ./tally.db and ./.env.
    /// </summary>
    public static WebApplicationOptions Options(CliCommand command) =>
        command.HostArgs.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            ? new WebApplicationOptions { Args = command.HostArgs }
            : new WebApplicationOptions { Args = command.HostArgs, ContentRootPath = AppContext.BaseDirectory };

    public static void AddTallyHosting(this WebApplicationBuilder builder, CliCommand command)
    {
        if (command.Has("no-migrate"))
        {
            builder.Configuration["TALLY_AUTO_MIGRATE"] = "false";
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
    }
}
