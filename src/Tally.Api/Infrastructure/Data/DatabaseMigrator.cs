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
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!database.AutoMigrate)
        {
            return;
        }

        await MigrateAsync(scopes, cancellationToken);
        logger.LogInformation("Database schema is up to date ({Provider})", database.Provider);
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
