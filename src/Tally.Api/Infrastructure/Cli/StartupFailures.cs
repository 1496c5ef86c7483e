using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Infrastructure.Cli;

/// <summary>
/// Turns the failures a start-up can meet through no fault of the code (a bad setting, a database
/// that cannot be reached, a port already taken) into one message that names what to change, instead
/// of an unhandled exception with its stack trace.
/// </summary>
internal static partial class StartupFailures
{
    /// <summary>The message for a known kind of start-up failure; null for anything else (a bug: let it surface).</summary>
    public static string? Describe(Exception exception, DatabaseSettings? database)
    {
        foreach (var ex in Chain(exception))
        {
            switch (ex)
            {
                case InvalidConfigurationException:
                    return ex.Message;
                case OptionsValidationException options:
                    return Invalid(options.Failures.Select(f => Setting(options.OptionsType, f)));
                case InvalidOperationException when ConversionFailure().Match(ex.Message) is { Success: true } m:
                    return Invalid([$"{Variable(m.Groups["path"].Value)}: '{m.Groups["value"].Value}' is not a valid {Friendly(m.Groups["type"].Value)}."]);
                case PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } or SqliteException { SqliteErrorCode: 1 } when ex.Message.Contains("table", StringComparison.OrdinalIgnoreCase):
                    return $"The database ({DatabaseSettings.UrlVariable}) has no Tally schema yet: run the 'migrate' verb first ({ex.Message}).";
                case NpgsqlException npgsql when database?.Provider == DatabaseProvider.Postgres:
                    return $"Cannot use the PostgreSQL database {Where(database)} ({DatabaseSettings.UrlVariable}): {Reason(npgsql)}";
                case SqliteException sqlite when database?.SqlitePath is { } path:
                    return $"Cannot use the SQLite database '{path}' ({DatabaseSettings.UrlVariable}): {sqlite.Message}";
                case IOException io when io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                    return $"{io.Message.TrimEnd('.')}: another process listens there; choose another address with --urls (or ASPNETCORE_URLS).";
            }
        }

        return null;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }

                yield break;
            }

            yield return ex;
        }
    }

    private static string Invalid(IEnumerable<string> problems) => new InvalidConfigurationException([.. problems]).Message;

    /// <summary>DataAnnotations failures read "... members: 'Parallelism' with the error: '...'": name the variable.</summary>
    private static string Setting(Type optionsType, string failure)
    {
        var section = optionsType.GetField("Section")?.GetValue(null) as string;
        return MemberFailure().Match(failure) is { Success: true } m && section is not null
            ? $"{section}__{m.Groups["member"].Value}: {m.Groups["error"].Value}"
            : failure;
    }

    /// <summary>Configuration paths use ':'; the environment variable for <c>Webhooks:BatchSize</c> is <c>Webhooks__BatchSize</c>.</summary>
    private static string Variable(string path) => path.Replace(":", "__", StringComparison.Ordinal);

    private static string Friendly(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "whole number",
        "System.Double" or "System.Decimal" => "number",
        "System.Boolean" => "boolean (true or false)",
        "System.TimeSpan" => "duration (hh:mm:ss)",
        _ => type,
    };

    private static string Where(DatabaseSettings database)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        return $"'{builder.Database}' on {builder.Host}:{builder.Port}";
    }

    private static string Reason(NpgsqlException ex) => ex switch
    {
        PostgresException pg => $"{pg.MessageText} ({pg.SqlState}).",
        { InnerException: SocketException socket } => $"{socket.Message.TrimEnd('.')}; is PostgreSQL running there?",
        { InnerException: TimeoutException } => "the connection timed out; is PostgreSQL running there?",
        _ => ex.Message,
    };

    [GeneratedRegex("Failed to convert configuration value '(?<value>[^']*)' at '(?<path>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex("'(?<member>\\w+)' with the error: '(?<error>.*)'", RegexOptions.Singleline)]
    private static partial Regex MemberFailure();
}
