using System.Globalization;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Infrastructure.Cli;

/// <summary>The verbs of the service itself: <c>serve</c>, <c>migrate</c>, <c>token</c>.</summary>
internal static class CoreVerbs
{
    public static readonly CliVerb Serve = new(
        "serve", "serve [--no-migrate] [--demo] [--urls URL]",
        "run the service (the default verb); applies migrations first;\n--demo fills the embedded Stripe emulator with 12 months of demo data",
        [], ["no-migrate", "demo"], TalksToStripe: true, async (app, _) =>
        {
            // What the host would check or do first, done before it starts: a bad setting or a database
            // Tally cannot use then ends in a message (TallyCli), not in a failed host's stack trace.
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            HostingSetup.CheckAddressesFree(app.Configuration);
            await app.Services.GetRequiredService<DatabaseMigrator>().EnsureReadyAsync(CancellationToken.None);
            if (app.Services.GetService<Stripe.EmbeddedEmulator>() is { } emulator)
            {
                await emulator.ClaimStateAsync(CancellationToken.None);
            }

            await app.RunAsync();
            return 0;
        });

    public static readonly CliVerb Migrate = new("migrate", "migrate", "apply database migrations and exit", [], [], TalksToStripe: false, async (app, _) =>
    {
        await DatabaseMigrator.MigrateAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        Console.WriteLine("Migrations applied.");
        return 0;
    });

    public static readonly CliVerb Token = new(
        "token", "token --email E [--sub S] [--name N] [--ttl 1h]", "print a bearer token signed with the configured key\n(--sub defaults to the email, --name is the display name)",
        ["email", "sub", "ttl", "name"], [], TalksToStripe: false, (app, command) =>
        {
            var email = command.RequiredEmail("email");
            var ttl = ParseDuration(command.Optional("ttl") ?? "1h");
            var issuer = app.Services.GetRequiredService<TokenIssuer>();
            Console.WriteLine(issuer.Issue(command.Optional("sub") ?? email, email, ttl, command.Optional("name")));
            return Task.FromResult(0);
        });

    /// <summary>Parses <c>90s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c>, or a TimeSpan such as <c>01:00:00</c>.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            TimeSpan? span = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (span is { } s)
            {
                return s;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero
            ? parsed
            : throw new CliUsageException($"--ttl '{text}' is not a duration (e.g. 30m, 1h, 7d).");
    }
}
