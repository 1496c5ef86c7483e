using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Tally.Api.Infrastructure.Data;

// dotnet ef builds each provider's context through these, whichever provider the app is configured for.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTallyDbContext>
{
    public SqliteTallyDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteTallyDbContext>();
        DatabaseRegistration.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteTallyDbContext(options.Options);
    }
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTallyDbContext>
{
    public PostgresTallyDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresTallyDbContext>();
        DatabaseRegistration.ConfigurePostgres(options, "Host=localhost;Database=tally_design");
        return new PostgresTallyDbContext(options.Options);
    }
}
