using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Infrastructure.Data;

internal static class DatabaseRegistration
{
    public static void AddTallyDatabase(this WebApplicationBuilder builder, DatabaseSettings database)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            builder.Services.AddDbContextPool<TallyDbContext, PostgresTallyDbContext>(o => ConfigurePostgres(o, database.ConnectionString));
        }
        else
        {
            builder.Services.AddDbContextPool<TallyDbContext, SqliteTallyDbContext>(o => ConfigureSqlite(o, database.ConnectionString));
        }

        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigrator>());
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, s => s.MigrationsAssembly(typeof(TallyDbContext).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .ConfigureWarnings(ExpectedFailuresAtDebug);

    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, s => s.MigrationsAssembly(typeof(TallyDbContext).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .ConfigureWarnings(ExpectedFailuresAtDebug);

    /// <summary>
    /// EF logs every failed save and command as an error with its stack trace, including the ones Tally
    /// expects and handles: a unique-key race lost to the webhook processor or another request (retried
    /// by <see cref="ConflictRetry"/>), a first migration probing for its history table. Those go to
    /// debug; a failure nobody handles still reaches the error handler or the worker's own log.
    /// </summary>
    private static void ExpectedFailuresAtDebug(Microsoft.EntityFrameworkCore.Diagnostics.WarningsConfigurationBuilder warnings) =>
        warnings.Log(
            (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Debug));
}
