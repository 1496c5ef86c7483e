using Microsoft.Data.Sqlite;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Data;

/// <summary>A SQLite database Tally creates is in write-ahead-log mode (readers do not block writers), whichever database the suite runs on.</summary>
public sealed class SqliteJournalTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tally-journal-").FullName;

    [Fact]
    public async Task Migrate_OnANewSqliteFile_LeavesItInWalMode()
    {
        var path = Path.Combine(directory, "tally.db");

        var migrate = await TallyProcess.RunAsync(directory, new Dictionary<string, string> { ["DATABASE_URL"] = path }, "migrate");

        Assert.True(migrate.ExitCode == 0, migrate.Stdout + migrate.Stderr);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var pragma = new SqliteCommand("PRAGMA journal_mode;", connection);
        Assert.Equal("wal", (string?)await pragma.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
