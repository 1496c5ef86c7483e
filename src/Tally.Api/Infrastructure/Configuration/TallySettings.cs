using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Infrastructure.Configuration;

/// <summary>All of Tally's configuration, read and checked once at start.</summary>
internal sealed record TallySettings(DatabaseSettings Database, JwtSettings Jwt, StripeSettings Stripe, string? Redis, TelemetrySettings Telemetry)
{
    /// <exception cref="InvalidConfigurationException">A value is wrong; the message names each variable.</exception>
    public static TallySettings Load(IConfiguration configuration)
    {
        var problems = new ConfigurationProblems();
        var database = DatabaseSettings.Load(configuration, problems);
        var stripe = StripeSettings.Load(configuration, database, problems);
        var redis = RedisUrl.Parse(configuration.NonEmpty(RedisUrl.Variable), problems);
        var telemetry = TelemetrySettings.Load(configuration, problems);
        problems.ThrowIfAny();
        var jwt = JwtSettings.Load(configuration, database, problems);
        problems.ThrowIfAny();
        if (database.SqlitePath is { } sqlite && !File.Exists(sqlite))
        {
            // Created once the configuration is known to be good, empty (SQLite's empty database), the owner's alone.
            OwnerOnly.TryCreateFile(sqlite, "");
        }

        return new TallySettings(database, jwt, stripe, redis, telemetry);
    }

    public static TallySettings AddTallySettings(WebApplicationBuilder builder)
    {
        builder.Configuration.AddDotEnvFile(Path.Combine(Directory.GetCurrentDirectory(), ".env"));
        var settings = Load(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(settings.Database);
        builder.Services.AddSingleton(settings.Jwt);
        builder.Services.AddSingleton(settings.Stripe);
        return settings;
    }
}
