using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Webhooks;

/// <summary>
/// Stores a verified event once: <c>INSERT ... ON CONFLICT (stripe_event_id) DO NOTHING</c>, so a
/// duplicate (even one arriving at the same instant) is a no-op decided by the unique index, in one
/// round trip and without an exception.
/// </summary>
internal static class WebhookInbox
{
    private static readonly DateTimeOffsetToBinaryConverter SqliteTime = new();

    /// <returns>True when the row was inserted, false when the event id was already stored.</returns>
    public static async Task<bool> TryInsertAsync(TallyDbContext db, WebhookEvent e, CancellationToken ct)
    {
        int inserted;
        if (db is PostgresTallyDbContext)
        {
            inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO webhook_events (stripe_event_id, type, api_version, stripe_created, object_id, payload, received_at, status, attempts, next_attempt_at)
                VALUES ({e.StripeEventId}, {e.Type}, {e.ApiVersion}, {e.StripeCreated}, {e.ObjectId}, {e.Payload}, {e.ReceivedAt}, {e.Status}, 0, {e.NextAttemptAt})
                ON CONFLICT (stripe_event_id) DO NOTHING
                """, ct);
        }
        else
        {
            // SQLite stores Tally's timestamps as binary ticks (see SqliteTallyDbContext): convert as EF would.
            inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO webhook_events (stripe_event_id, type, api_version, stripe_created, object_id, payload, received_at, status, attempts, next_attempt_at)
                VALUES ({e.StripeEventId}, {e.Type}, {e.ApiVersion}, {Ticks(e.StripeCreated)}, {e.ObjectId}, {e.Payload}, {Ticks(e.ReceivedAt)}, {e.Status}, 0, {Ticks(e.NextAttemptAt)})
                ON CONFLICT (stripe_event_id) DO NOTHING
                """, ct);
        }

        return inserted == 1;
    }

    private static long Ticks(DateTimeOffset value) => (long)SqliteTime.ConvertToProvider(value)!;
}
