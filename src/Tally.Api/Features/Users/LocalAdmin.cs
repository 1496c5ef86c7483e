using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Users;

/// <summary>
/// Zero-configuration mode (Tally generated its own signing key): makes sure a local admin exists and
/// prints a ready token and the docs URL, so a new user can call the API at once. The token is printed
/// on the start that created the local admin only; later starts print the <c>token</c> command instead,
/// so a console log kept around does not hold a fresh admin token from every start.
/// </summary>
internal sealed class LocalAdmin(IServiceScopeFactory scopes, JwtSettings jwt, TokenIssuer tokens, IServer server, TimeProvider clock)
    : IHostedLifecycleService
{
    public const string LocalAdminSubject = "tally-local-admin";
    public const string LocalAdminEmail = "admin@localhost";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(24);
    private bool created;
    private bool localAdminDemoted;
    private string? anotherAdmin;
    private bool noAdmin;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        if (!jwt.KeyWasGenerated)
        {
            // Nobody can administer Tally yet (no admin user, no admin email configured): say how to get one.
            noAdmin = jwt.AdminEmails.Count == 0 && !await db.Set<User>().AnyAsync(u => u.Role == Role.Admin, cancellationToken);
            return;
        }

        var local = await db.Set<User>().Where(u => u.Subject == LocalAdminSubject).Select(u => new { u.Role }).FirstOrDefaultAsync(cancellationToken);
        if (local is { Role: not Role.Admin })
        {
            localAdminDemoted = true;
            anotherAdmin = await db.Set<User>().Where(u => u.Role == Role.Admin && u.Email != null).OrderBy(u => u.Id)
                .Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        }

        if (local is null)
        {
            var now = clock.GetUtcNow();
            db.Add(new User
            {
                Subject = LocalAdminSubject, Email = LocalAdminEmail, FullName = "Local admin", Role = Role.Admin, CreatedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync(cancellationToken);
            created = true;
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!jwt.KeyWasGenerated)
        {
            if (noAdmin)
            {
                Console.WriteLine($"""

                    Tally has no admin yet. Make one, then get a token for it:
                      set {JwtSettings.AdminEmailsVariable}=you@example.com (provisioned as admin on its first request), or
                      dotnet run --project src/Tally.Api -- users set-role --email you@example.com --role admin
                      dotnet run --project src/Tally.Api -- token --email you@example.com   (with a shared signing key)

                    """);
            }

            return Task.CompletedTask;
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:8000";
        var command = $"dotnet run --project src/Tally.Api -- token --email {LocalAdminEmail}";
        // Written to the console on purpose, never to the log: this is the zero-configuration hand-over.
        var handOver = localAdminDemoted
            ? $"""
              Admin token: {LocalAdminEmail} is no longer an admin; {(anotherAdmin is null ? "no admin is left" : $"get a token for an admin with: dotnet run --project src/Tally.Api -- token --email {anotherAdmin}")}

            """
            : created
            ? $"""
              Admin token (24 h, user {LocalAdminEmail}, printed on this first start only):

            {tokens.Issue(LocalAdminSubject, LocalAdminEmail, TokenLifetime)}

            """
            : $"""
              Admin token: {command}

            """;
        Console.WriteLine($"""

            Tally is running at {address}
              API docs:     {address}/scalar
              OpenAPI:      {address}/openapi/v1.json
              Signing key:  {jwt.GeneratedKeyPath} (generated; set TALLY_JWT_SIGNING_KEY to use your own)
            {handOver}
              Try: curl -H "Authorization: Bearer <token>" {address}/api/me
              More tokens: dotnet run --project src/Tally.Api -- token --email you@example.com

            """);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
