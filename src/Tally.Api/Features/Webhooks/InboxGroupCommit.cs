using System.Text;
using System.Threading.Channels;
using Npgsql;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Features.Webhooks;

/// <summary>
/// Group commit for the PostgreSQL inbox: the events that arrive while one insert is in flight go
/// into the next one, a single <c>INSERT ... ON CONFLICT (stripe_event_id) DO NOTHING RETURNING</c>.
/// Each request still gets its answer only after its own row is committed, and learns whether it
/// was new; a duplicate in the same batch is skipped by the unique index like any other.
/// </summary>
internal sealed class InboxGroupCommit(DatabaseSettings database, ILogger<InboxGroupCommit> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int Columns = 9;

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
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var sql = new StringBuilder("INSERT INTO webhook_events (stripe_event_id, type, api_version, stripe_created, object_id, payload, received_at, status, next_attempt_at, attempts) VALUES ");
        await using var command = new NpgsqlCommand { Connection = connection };
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i].Row;
            var n = i * Columns;
            sql.Append(i == 0 ? "" : ", ").Append($"(${n + 1}, ${n + 2}, ${n + 3}, ${n + 4}, ${n + 5}, ${n + 6}, ${n + 7}, ${n + 8}, ${n + 9}, 0)");
            foreach (var value in new object?[] { e.StripeEventId, e.Type, e.ApiVersion, e.StripeCreated, e.ObjectId, e.Payload, e.ReceivedAt, e.Status, e.NextAttemptAt })
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }
        }

        command.CommandText = sql.Append(" ON CONFLICT (stripe_event_id) DO NOTHING RETURNING stripe_event_id").ToString();
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            inserted.Add(reader.GetString(0));
        }

        return inserted;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (loop is not null)
        {
            await loop;
        }
    }
}
