using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tally.Api.Tests.Support;

/// <summary>
/// A fresh, empty database for one test host. SQLite by default; PostgreSQL when the test command
/// sets <c>TALLY_TEST_POSTGRES</c> to a server URL (the suite then runs wholly on PostgreSQL).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "TALLY_TEST_POSTGRES";

    private readonly string? sqlitePath;
    private readonly string? postgresAdmin;
    private readonly string? postgresName;

    private TestDatabase(string url, string? sqlitePath, string? postgresAdmin, string? postgresName)
    {
        Url = url;
        this.sqlitePath = sqlitePath;
        this.postgresAdmin = postgresAdmin;
        this.postgresName = postgresName;
    }

    /// <summary>The <c>DATABASE_URL</c> to give Tally.</summary>
    public string Url { get; }

    public static bool UsesPostgres => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable));

    public static string ProviderName => UsesPostgres ? "postgres" : "sqlite";

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrEmpty(server))
        {
            var path = Path.Combine(Path.GetTempPath(), $"tally-test-{Guid.NewGuid():N}.db");
            return new TestDatabase(path, path, null, null);
        }

        var uri = new Uri(server);
        var name = $"tally_test_{Guid.NewGuid():N}";
        var admin = AdminConnectionString(uri);
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var url = new UriBuilder(uri) { Path = "/" + name }.Uri.ToString();
        return new TestDatabase(url, null, admin, name);
    }

    private static string AdminConnectionString(Uri uri)
    {
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = "postgres",
            Username = Uri.UnescapeDataString(userInfo[0]),
            Pooling = false,
        };
        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        return builder.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm", sqlitePath + ".signing-key" })
            {
                File.Delete(file);
            }

            // The embedded emulator's state, kept beside the database in emulator mode.
            if (Directory.Exists(sqlitePath + ".stripe"))
            {
                Directory.Delete(sqlitePath + ".stripe", recursive: true);
            }
        }
        else if (postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
