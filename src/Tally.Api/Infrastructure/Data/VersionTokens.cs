using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Tally.Api.Infrastructure.Data;

/// <summary>
/// A row with an optimistic concurrency token: of two writers that read the row before either saved
/// it, the second one's save fails and it must read the row again. The token is configured and bumped
/// by <see cref="TallyDbContext"/> (never by hand): <see cref="Version"/> goes up by one on every save
/// that modifies the row.
/// </summary>
internal interface IVersioned
{
    int Version { get; set; }
}

internal static class VersionTokens
{
    /// <summary>Makes <see cref="IVersioned.Version"/> the concurrency token of every versioned entity.</summary>
    public static void Configure(ModelBuilder model)
    {
        foreach (var entity in model.Model.GetEntityTypes().Where(e => typeof(IVersioned).IsAssignableFrom(e.ClrType)))
        {
            model.Entity(entity.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
        }
    }

    /// <summary>Bumps the token of every versioned row about to be updated.</summary>
    public static void Bump(ChangeTracker tracker)
    {
        foreach (var entry in tracker.Entries<IVersioned>().Where(e => e.State == EntityState.Modified))
        {
            var version = entry.Property(v => v.Version);
            if (!version.IsModified)
            {
                version.CurrentValue = version.OriginalValue + 1;
            }
        }
    }
}
