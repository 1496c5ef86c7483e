namespace Tally.Api.Infrastructure.Cli;

internal static class HostingSetup
{
    public const string DefaultUrl = "http://localhost:8000";

    public static void AddTallyHosting(this WebApplicationBuilder builder, CliCommand command)
    {
        if (command.Optional("no-migrate") is not null)
        {
            builder.Configuration["TALLY_AUTO_MIGRATE"] = "false";
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddSingleton(TimeProvider.System);
    }

    /// <summary>Registered after the database so that it runs once migrations are applied.</summary>
    public static void AddEmbeddedStartup(this WebApplicationBuilder builder) => builder.Services.AddHostedService<EmbeddedStartup>();
}
