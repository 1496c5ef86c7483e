using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

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
    /// <summary>Every feature's entities: each feature keeps its <c>IEntityTypeConfiguration</c>s beside its entities.</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TallyDbContext).Assembly);
        VersionTokens.Configure(modelBuilder);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        VersionTokens.Bump(ChangeTracker);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        VersionTokens.Bump(ChangeTracker);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
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
