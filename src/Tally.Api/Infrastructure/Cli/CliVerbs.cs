using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Infrastructure.Cli;

internal static class CliVerbs
{
    public static async Task<int> RunAsync(this WebApplication app, CliCommand command)
    {
        switch (command.Verb)
        {
            case "serve":
                await app.RunAsync();
                return 0;
            case "migrate":
                await DatabaseMigrator.MigrateAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
                Console.WriteLine("Migrations applied.");
                return 0;
            case "token":
                return IssueToken(app, command);
            case "users set-role":
                return await SetRoleAsync(app, command);
            case "seed-demo":
                return await SeedDemoAsync(app);
            case "stripe sync":
                return await Features.Sync.SyncCli.RunAsync(app);
            default:
                throw new CliUsageException($"Unknown verb '{command.Verb}'.");
        }
    }

    private static async Task<int> SeedDemoAsync(WebApplication app)
    {
        await using var lifecycle = await StartupWork.RunAsync(app);
        var summary = await Features.Demo.DemoRegistration.SeedOnceAsync(app.Services, new Features.Demo.DemoPlan(), CancellationToken.None);
        Console.WriteLine(summary is null
            ? "This database already holds the demo data."
            : $"Demo: {summary.Customers} customers, {summary.Subscriptions} subscriptions, {summary.Upgrades} upgrades, " +
              $"{summary.Cancellations} cancellations, {summary.FailingCards} failing cards, {summary.MeterEvents} meter events (test clock {summary.TestClockId}).");

        // Nothing receives webhooks while this verb runs: fill the mirror from Stripe's lists instead.
        await Features.Sync.SyncCli.SyncAndPrintAsync(app.Services);
        return 0;
    }

    private static int IssueToken(WebApplication app, CliCommand command)
    {
        var email = command.Required("email").Trim().ToLowerInvariant();
        var ttl = ParseDuration(command.Optional("ttl") ?? "1h");
        var issuer = app.Services.GetRequiredService<TokenIssuer>();
        Console.WriteLine(issuer.Issue(command.Optional("sub") ?? email, email, ttl, command.Optional("name")));
        return 0;
    }

    private static async Task<int> SetRoleAsync(WebApplication app, CliCommand command)
    {
        var email = command.Required("email").Trim().ToLowerInvariant();
        if (!Roles.TryParse(command.Required("role"), out var role))
        {
            throw new CliUsageException($"--role must be one of {Roles.AllNames}.");
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        if (!await db.Users.AnyAsync(u => u.Email == email))
        {
            // Pre-assigning a role before the person's first sign-in: the first token with this email claims the row.
            var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            db.Users.Add(new User { Email = email, Role = Role.Viewer, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        var changes = scope.ServiceProvider.GetRequiredService<RoleChanges>();
        var (outcome, _) = await changes.ChangeAsync(q => q.Where(u => u.Email == email), role, null, "cli", CancellationToken.None);
        switch (outcome)
        {
            case RoleChangeOutcome.LastAdmin:
                Console.Error.WriteLine($"{email} is the last admin and cannot be demoted; promote another admin first.");
                return 1;
            case RoleChangeOutcome.Unchanged:
                Console.WriteLine($"{email} is already {role.ToName()}.");
                return 0;
            default:
                Console.WriteLine($"{email} is now {role.ToName()}.");
                return 0;
        }
    }

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
