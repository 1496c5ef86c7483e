using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Infrastructure.Cli;

/// <summary>The executable: parses the verb, builds the application, runs the verb, and turns expected failures into exit codes.</summary>
internal static class TallyCli
{
    public const int UsageError = 2;
    public const int ConfigurationError = 3;

    public static async Task<int> RunAsync(string[] args, IReadOnlyList<CliVerb> featureVerbs, Func<WebApplicationBuilder, CliCommand, WebApplication> build)
    {
        IReadOnlyList<CliVerb> verbs = [CoreVerbs.Serve, .. featureVerbs, CoreVerbs.Migrate, CoreVerbs.Token];
        CliCommand command;
        try
        {
            command = CliCommand.Parse(args, verbs);
        }
        catch (CliUsageException ex)
        {
            Console.Error.WriteLine(ex.Message + Environment.NewLine + Environment.NewLine + CliCommand.Usage(verbs));
            return UsageError;
        }

        if (command.IsHelp)
        {
            Console.WriteLine(CliCommand.Usage(verbs));
            return 0;
        }

        DatabaseSettings? database = null;
        try
        {
            var builder = WebApplication.CreateBuilder(HostingSetup.Options(command));
            var app = build(builder, command);
            database = app.Services.GetService<DatabaseSettings>();
            return await command.Definition!.RunAsync(app, command);
        }
        catch (CliUsageException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return UsageError;
        }
        catch (Exception ex) when (StartupFailures.Describe(ex, database) is { } message)
        {
            // A setting, the database or the listening address: a message that says what to change, no stack trace.
            Console.Error.WriteLine(message);
            return ConfigurationError;
        }
    }
}
