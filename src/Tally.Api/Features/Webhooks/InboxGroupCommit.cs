using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Features.Webhooks;

/// <summary>
/// Group commit for the PostgreSQL inbox: the events that arrive while an insert is in flight go into
/// the next one, a single <c>INSERT ... SELECT FROM unnest(...) ON CONFLICT (stripe_event_id) DO NOTHING
/// RETURNING</c> whose text never changes, so each connection prepares it once. One insert at a time:
/// measured against three in flight, the larger batches cost the server a quarter less CPU per event
/// (bench/README.md). Each request still gets its answer only after its own row is committed, and
/// learns whether it was new; a duplicate (in the same batch, or in another instance's) is skipped by
/// the unique index like any other.
/// </summary>
internal sealed class InboxGroupCommit(DatabaseSettings database, ILogger<InboxGroupCommit> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private const string Sql = """
        INSERT INTO webhook_events (stripe_event_id, type, api_version, stripe_created, object_id, payload, received_at, status, next_attempt_at, attempts)
        SELECT e.*, 0 FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) AS e
        ON CONFLICT (stripe_event_id) DO NOTHING
        RETURNING stripe_event_id
        """;

    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock gate = new();
    private Task? loop;

    private sealed record Pending(WebhookEvent Row, TaskCompletionSource<bool> Done);

    /// <returns>True when the row was inserted, false when the event id was already stored.</returns>
    public Task<bool> InsertAsync(WebhookEvent row, CancellationToken ct)
    {
        lock (gate)
        {
            loop ??= Task.Run(() => RunAsync(database.ConnectionString, logger));
        }

        var pending = new Pending(row, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The webhook inbox is shutting down.");
        }

        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task RunAsync(string connectionString, ILogger log)
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                var inserted = await InsertBatchAsync(connectionString, batch);
                foreach (var pending in batch)
                {
                    // Within one batch the first copy of an id is the one that was inserted.
                    pending.Done.TrySetResult(inserted.Remove(pending.Row.StripeEventId));
                }
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Storing {Count} webhook events failed", batch.Count);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    private static async Task<HashSet<string>> InsertBatchAsync(string connectionString, List<Pending> batch)
    {
        // Rows in id order: two instances' inserts that share ids then lock them in the same order, so
        // one waits for the other instead of deadlocking.
        var rows = batch.Select(p => p.Row).OrderBy(r => r.StripeEventId, StringComparer.Ordinal).ToList();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        Add(command, NpgsqlDbType.Text, rows.Select(r => r.StripeEventId));
        Add(command, NpgsqlDbType.Text, rows.Select(r => r.Type));
        Add(command, NpgsqlDbType.Text, rows.Select(r => r.ApiVersion));
        Add(command, NpgsqlDbType.TimestampTz, rows.Select(r => r.StripeCreated));
        Add(command, NpgsqlDbType.Text, rows.Select(r => r.ObjectId));
        Add(command, NpgsqlDbType.Text, rows.Select(r => r.Payload));
        Add(command, NpgsqlDbType.TimestampTz, rows.Select(r => r.ReceivedAt));
        Add(command, NpgsqlDbType.Text, rows.Select(r => r.Status));
        Add(command, NpgsqlDbType.TimestampTz, rows.Select(r => r.NextAttemptAt));
        await command.PrepareAsync();
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            inserted.Add(reader.GetString(0));
        }

        return inserted;
    }

    private static void Add<T>(NpgsqlCommand command, NpgsqlDbType type, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values.ToArray() });

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (loop is not null)
        {
            await loop;
        }
    }
}
