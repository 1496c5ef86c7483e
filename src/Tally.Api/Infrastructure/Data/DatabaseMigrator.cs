using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Infrastructure.Data;

/// <summary>
/// Applies pending migrations before anything else starts (the server, background workers),
/// unless <c>TALLY_AUTO_MIGRATE=false</c> or <c>serve --no-migrate</c>.
/// </summary>
internal sealed class DatabaseMigrator(IServiceScopeFactory scopes, DatabaseSettings database, ILogger<DatabaseMigrator> logger)
    : IHostedLifecycleService
{
    private readonly SemaphoreSlim once = new(1, 1);
    private bool ready;

    public Task StartingAsync(CancellationToken cancellationToken) => EnsureReadyAsync(cancellationToken);

    /// <summary>
    /// Migrates (or, with automatic migration off, checks that nothing is pending) once per process.
    /// <c>serve</c> calls it before the host starts, so that a database it cannot use stops the start
    /// with a message rather than a failed host's stack trace.
    /// </summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        await once.WaitAsync(cancellationToken);
        try
        {
            if (ready)
            {
                return;
            }

            if (database.AutoMigrate)
            {
                await MigrateAsync(scopes, cancellationToken);
                logger.LogInformation("Database schema is up to date ({Provider})", database.Provider);
            }
            else
            {
                await RequireUpToDateAsync(cancellationToken);
            }

            ready = true;
        }
        finally
        {
            once.Release();
        }
    }

    /// <summary>With migrations left to the <c>migrate</c> verb, a database behind the code stops the start with a message.</summary>
    private async Task RequireUpToDateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidConfigurationException([
                $"{DatabaseSettings.AutoMigrateVariable}: the database lacks {pending.Count} migration(s) (the last: {pending[^1]}) and automatic " +
                "migration is off (--no-migrate or TALLY_AUTO_MIGRATE=false); run the 'migrate' verb first.",
            ]);
        }
    }

    public static async Task MigrateAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        if (db is SqliteTallyDbContext)
        {
            // The database file may exist empty (created mode 600 before EF sees it), and then EF does not
            // switch it to write-ahead logging as it does for a file it creates: without WAL, readers block
            // writers and concurrent requests fail with "database is locked". The mode is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = 'wal';", cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
