using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Cli;

namespace Tally.Api.Features.Users;

internal static class UserVerbs
{
    public static readonly CliVerb SetRole = new(
        "users set-role", "users set-role --email E --role R", "set a user's role (viewer, editor, admin); creates the user if unknown",
        ["email", "role"], [], TalksToStripe: false, SetRoleAsync);

    private static async Task<int> SetRoleAsync(WebApplication app, CliCommand command)
    {
        var email = command.RequiredEmail("email");
        if (!Roles.TryParse(command.Required("role"), out var role))
        {
            throw new CliUsageException($"--role must be one of {Roles.AllNames}.");
        }

        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UserAccounts>().EnsureByEmailAsync(email, null, CancellationToken.None);
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
}
