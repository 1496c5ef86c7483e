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
            .UseSnakeCaseNamingConvention();

    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, s => s.MigrationsAssembly(typeof(TallyDbContext).Assembly.FullName))
            .UseSnakeCaseNamingConvention();
}
