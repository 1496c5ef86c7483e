using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// Writes many rows of one of Revenue's tables without the change tracker, inside the context's current
/// transaction: binary <c>COPY</c> on PostgreSQL, one prepared insert reused per row on SQLite (values bound
/// through EF's own type mappings, so they compare exactly as EF-written rows do). Columns come from the model;
/// the generated key is left to the database.
/// </summary>
internal static class BulkInsert
{
    public static async Task WriteAsync<T>(TallyDbContext db, IReadOnlyCollection<T> rows, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Where(p => !p.IsPrimaryKey())
            .Select(p => new Column(p.GetColumnName(table)!, p.PropertyInfo!, p.GetRelationalTypeMapping(), p.IsNullable)).ToList();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var names = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
            if (db is PostgresTallyDbContext)
            {
                await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), $"copy \"{table.Name}\" ({names}) from stdin (format binary)", columns, rows, ct);
            }
            else
            {
                await InsertAsync(db, $"insert into \"{table.Name}\" ({names}) values ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})", columns, rows, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string copy, List<Column> columns, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var types = columns.Select(c => TypeOf(c.Property.PropertyType)).ToList();
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < columns.Count; i++)
            {
                if (columns[i].Property.GetValue(row) is { } value)
                {
                    await importer.WriteAsync(value, types[i], ct);
                }
                else
                {
                    await importer.WriteNullAsync(ct);
                }
            }
        }

        await importer.CompleteAsync(ct);
    }

    private static NpgsqlDbType TypeOf(Type t) => (Nullable.GetUnderlyingType(t) ?? t) switch
    {
        var x when x == typeof(string) => NpgsqlDbType.Text,
        var x when x == typeof(DateTimeOffset) => NpgsqlDbType.TimestampTz,
        var x when x == typeof(decimal) => NpgsqlDbType.Numeric,
        var x when x == typeof(bool) => NpgsqlDbType.Boolean,
        var x when x == typeof(int) => NpgsqlDbType.Integer,
        var x when x == typeof(long) => NpgsqlDbType.Bigint,
        var x => throw new NotSupportedException($"No COPY type for {x.Name}."),
    };

    private static async Task InsertAsync<T>(TallyDbContext db, string insert, List<Column> columns, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = insert;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                command.Parameters.Add(columns[i].Mapping.CreateParameter(command, $"@p{i}", columns[i].Property.GetValue(row), columns[i].Nullable));
            }

            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed record Column(string Name, PropertyInfo Property, RelationalTypeMapping Mapping, bool Nullable);
}
