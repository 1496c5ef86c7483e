using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tally.Api.Features.Users;

namespace Tally.Api.Infrastructure.Data;

/// <summary>
/// Tally's model, shared by both providers. Each provider has its own sealed context and its own
/// migration set; add a migration to both:
/// <code>
/// dotnet ef migrations add NAME --project src/Tally.Api --context SqliteTallyDbContext   --output-dir Infrastructure/Data/Migrations/Sqlite
/// dotnet ef migrations add NAME --project src/Tally.Api --context PostgresTallyDbContext --output-dir Infrastructure/Data/Migrations/Postgres
/// </code>
/// </summary>
internal abstract class TallyDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TallyDbContext).Assembly);
}

/// <summary>
/// SQLite: <c>dotnet ef migrations add NAME --project src/Tally.Api --context SqliteTallyDbContext --output-dir Infrastructure/Data/Migrations/Sqlite</c>
/// </summary>
internal sealed class SqliteTallyDbContext(DbContextOptions<SqliteTallyDbContext> options) : TallyDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type that orders and compares correctly with offsets; all of
        // Tally's timestamps are UTC, so store them as sortable binary ticks.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>
/// PostgreSQL: <c>dotnet ef migrations add NAME --project src/Tally.Api --context PostgresTallyDbContext --output-dir Infrastructure/Data/Migrations/Postgres</c>
/// </summary>
internal sealed class PostgresTallyDbContext(DbContextOptions<PostgresTallyDbContext> options) : TallyDbContext(options);
