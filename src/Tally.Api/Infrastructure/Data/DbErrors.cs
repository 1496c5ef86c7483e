using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Tally.Api.Infrastructure.Data;

internal static class DbErrors
{
    /// <summary>
    /// True when a write failed on a unique index (the row exists already: a lost race), whether EF
    /// wrapped the provider's error (SaveChanges) or not (ExecuteUpdate).
    /// </summary>
    public static bool IsUniqueViolation(this Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => inner.IsUniqueViolation(),
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>A lost race with another writer: a unique index or a concurrency token refused the write.</summary>
    public static bool IsWriteConflict(this Exception exception) => exception is DbUpdateConcurrencyException || exception.IsUniqueViolation();
}
