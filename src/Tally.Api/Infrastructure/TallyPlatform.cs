using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Cli;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Health;
using Tally.Api.Infrastructure.Http;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Infrastructure;

/// <summary>The plumbing every feature stands on, registered and wired in one place, in this order.</summary>
internal static class TallyPlatform
{
    /// <summary>Hosting, settings (checked once), time, JSON, errors, telemetry, database, auth, Stripe, health and API docs; returns the settings.</summary>
    public static TallySettings AddTallyPlatform(this WebApplicationBuilder builder, CliCommand command)
    {
        builder.AddTallyHosting(command);
        var settings = TallySettings.AddTallySettings(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddTallyJson();
        builder.AddTallyErrors();
        builder.AddTallyTelemetry(settings.Telemetry);
        builder.AddTallyDatabase(settings.Database);
        builder.AddTallyAuth(settings.Jwt);
        builder.AddTallyStripe(settings, startEmulator: command.TalksToStripe);
        builder.AddTallyHealth();
        builder.AddTallyRateLimits();
        builder.AddTallyApiDocs();
        return settings;
    }

    public static void UseTallyPlatform(this WebApplication app)
    {
        app.UseTallyErrors();
        app.UseAuthentication();
        app.UseTallySessionCsrf();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapTallyApiDocs();
    }
}
