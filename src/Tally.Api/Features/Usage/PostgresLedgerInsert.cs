using Npgsql;
using NpgsqlTypes;

namespace Tally.Api.Features.Usage;

/// <summary>
/// The ledger's insert on PostgreSQL: one prepared statement per group commit, one round trip, whose
/// text never changes. Each row takes its id from the table's sequence first, so it knows its id
/// whether it was inserted or skipped as a duplicate; <c>ON CONFLICT (user_id, idempotency_key) DO
/// NOTHING</c> lets the unique index alone decide between two requests with one key. Synchronous:
/// it runs on the group commit's own thread (see <c>GroupCommit</c>). Measured in bench/README.md.
/// </summary>
internal static class PostgresLedgerInsert
{
    private const string Sql = """
        WITH input AS MATERIALIZED (
            SELECT nextval(pg_get_serial_sequence('usage_records', 'id')) AS id, t.*
            FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) WITH ORDINALITY
                AS t(user_id, stripe_customer_id, stripe_subscription_item_id, meter_event_name, meter_id, quantity, "timestamp", period_start,
                     period_end, late, kind, status, idempotency_key, request_hash, metadata, note, actor, created_at, trace_parent, ord)
        ), inserted AS (
            INSERT INTO usage_records (id, user_id, stripe_customer_id, stripe_subscription_item_id, meter_event_name, meter_id, quantity, "timestamp",
                period_start, period_end, late, kind, status, idempotency_key, request_hash, metadata, note, actor, created_at, trace_parent)
            SELECT id, user_id, stripe_customer_id, stripe_subscription_item_id, meter_event_name, meter_id, quantity, "timestamp",
                period_start, period_end, late, kind, status, idempotency_key, request_hash, metadata, note, actor, created_at, trace_parent
            FROM input
            ON CONFLICT (user_id, idempotency_key) DO NOTHING
            RETURNING id
        )
        SELECT input.ord, input.id, inserted.id IS NOT NULL FROM input LEFT JOIN inserted ON inserted.id = input.id
        """;

    /// <summary>Inserts the rows and sets their ids; returns, per row, whether it was inserted (false: its key was already stored).</summary>
    public static bool[] Insert(NpgsqlConnection connection, IReadOnlyList<UsageRecord> rows)
    {
        using var command = new NpgsqlCommand(Sql, connection);
        Add(command, NpgsqlDbType.Bigint, rows, r => r.UserId);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.StripeCustomerId);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.StripeSubscriptionItemId);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.MeterEventName);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.MeterId);
        Add(command, NpgsqlDbType.Numeric, rows, r => r.Quantity);
        Add(command, NpgsqlDbType.TimestampTz, rows, r => r.Timestamp);
        Add(command, NpgsqlDbType.TimestampTz, rows, r => r.PeriodStart);
        Add(command, NpgsqlDbType.TimestampTz, rows, r => r.PeriodEnd);
        Add(command, NpgsqlDbType.Boolean, rows, r => r.Late);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.Kind);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.Status);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.IdempotencyKey);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.RequestHash);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.Metadata);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.Note);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.Actor);
        Add(command, NpgsqlDbType.TimestampTz, rows, r => r.CreatedAt);
        Add(command, NpgsqlDbType.Varchar, rows, r => r.TraceParent);
        command.Prepare();
        var inserted = new bool[rows.Count];
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var i = (int)reader.GetInt64(0) - 1;
            rows[i].Id = reader.GetInt64(1);
            inserted[i] = reader.GetBoolean(2);
        }

        return inserted;
    }

    private static void Add<T>(NpgsqlCommand command, NpgsqlDbType type, IReadOnlyList<UsageRecord> rows, Func<UsageRecord, T> value)
    {
        var values = new T[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(rows[i]);
        }

        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values });
    }
}
