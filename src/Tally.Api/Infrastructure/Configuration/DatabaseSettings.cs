using Npgsql;

namespace Tally.Api.Infrastructure.Configuration;

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where Tally keeps its data, from <c>DATABASE_URL</c>.</summary>
internal sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string? SqlitePath, bool AutoMigrate)
{
    public const string UrlVariable = "DATABASE_URL";
    public const string AutoMigrateVariable = "TALLY_AUTO_MIGRATE";
    public const string DefaultSqlitePath = "./tally.db";

    public static DatabaseSettings Load(IConfiguration configuration, ConfigurationProblems problems)
    {
        var autoMigrate = true;
        if (configuration.NonEmpty(AutoMigrateVariable) is { } flag && !TryParseBool(flag, out autoMigrate))
        {
            problems.Add(AutoMigrateVariable, $"'{flag}' is not a boolean (use true or false).");
        }

        var url = configuration.NonEmpty(UrlVariable) ?? DefaultSqlitePath;
        if (url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = TryParsePostgresUrl(url, out var error);
            if (connectionString is null)
            {
                problems.Add(UrlVariable, error!);
                return new DatabaseSettings(DatabaseProvider.Postgres, "", null, autoMigrate);
            }

            return new DatabaseSettings(DatabaseProvider.Postgres, connectionString, null, autoMigrate);
        }

        if (url.Contains("://", StringComparison.Ordinal) && !url.StartsWith("sqlite://", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(UrlVariable, "expected postgres://user:pass@host:port/db, postgresql://..., or a SQLite file path.");
            return new DatabaseSettings(DatabaseProvider.Sqlite, "", null, autoMigrate);
        }

        var path = url.StartsWith("sqlite://", StringComparison.OrdinalIgnoreCase) ? url["sqlite://".Length..]
            : url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? url["sqlite:".Length..]
            : url;
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath);
        if (directory is not null && !Directory.Exists(directory))
        {
            problems.Add(UrlVariable, $"the directory of the SQLite file '{path}' does not exist.");
        }
        else if (Directory.Exists(fullPath))
        {
            problems.Add(UrlVariable, $"'{path}' is a directory; name the SQLite file in it (e.g. {Path.Combine(path, "tally.db")}).");
        }
        else if (!IsSqliteFileOrAbsent(fullPath))
        {
            problems.Add(UrlVariable, $"'{path}' exists and is not a SQLite database; name a new file or a Tally database.");
        }

        return new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={fullPath};Pooling=True", fullPath, autoMigrate);
    }

    /// <summary>An empty or missing file (SQLite creates the database), or one starting with SQLite's header.</summary>
    private static bool IsSqliteFileOrAbsent(string path)
    {
        if (!File.Exists(path))
        {
            return true;
        }

        try
        {
            using var file = File.OpenRead(path);
            Span<byte> header = stackalloc byte[16];
            var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            return read == 0 || (read == 16 && header.SequenceEqual("SQLite format 3\0"u8));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not readable: SQLite will say why when it opens it.
            return true;
        }
    }

    private static string? TryParsePostgresUrl(string url, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = "not a valid postgres:// URL (expected postgres://user:pass@host:port/db).";
            return null;
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0)
        {
            error = "the postgres:// URL names no database (expected postgres://user:pass@host:port/db).";
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            var keyword = NpgsqlKeyword(builder, key);
            if (keyword is null)
            {
                error = $"unknown connection option '{key}' in the postgres:// URL (libpq names such as sslmode, application_name, " +
                    "connect_timeout, or Npgsql's connection string keywords).";
                return null;
            }

            try
            {
                builder[keyword] = value;
                _ = builder.ConnectionString; // Npgsql checks some values only when the string is built.
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                error = $"'{value}' is not a valid value for the connection option '{key}' in the postgres:// URL.";
                return null;
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>libpq's names for the options Npgsql also has (e.g. <c>sslmode</c>, <c>connect_timeout</c>).</summary>
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["sslrootcert"] = "Root Certificate",
        ["connect_timeout"] = "Timeout",
        ["target_session_attrs"] = "Target Session Attributes",
        ["gssencmode"] = "GSS Encryption Mode",
        ["keepalives_idle"] = "TCP Keepalive Time",
        ["keepalives_interval"] = "TCP Keepalive Interval",
        ["passfile"] = "Passfile",
    };

    /// <summary>The Npgsql keyword for a URL option: a libpq name, or Npgsql's own keyword with '_' for spaces (<c>application_name</c>).</summary>
    private static string? NpgsqlKeyword(NpgsqlConnectionStringBuilder builder, string key)
    {
        if (LibpqNames.TryGetValue(key, out var mapped))
        {
            return mapped;
        }

        var spaced = key.Replace('_', ' ');
        return builder.ContainsKey(spaced) ? spaced : builder.ContainsKey(key) ? key : null;
    }

    internal static bool TryParseBool(string value, out bool result)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on":
                result = true;
                return true;
            case "0" or "false" or "no" or "off":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }
}
