using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Usage;

/// <summary>Minute <c>minute</c> (from the window's start): <c>total</c> rows, <c>waiting</c> of them ever pending (created minutes only).</summary>
internal sealed record UsageMinute(long Minute, long Total, long Waiting);

/// <summary>
/// Ledger rows counted per minute by the database (one row per minute leaves it), for <see cref="UsageActivity"/>.
/// The minute is computed per provider: PostgreSQL from <c>timestamptz</c>, SQLite from the binary ticks its timestamps are
/// stored as (<see cref="DateTimeOffsetToBinaryConverter"/>: <c>(ticks / 1000) &lt;&lt; 11 | offset</c>, all offsets zero).
/// </summary>
internal static class UsageMinutes
{
    private const long UnitsPerMinute = TimeSpan.TicksPerMinute / 1000;
    private static readonly DateTimeOffsetToBinaryConverter Binary = new();

    /// <summary>Records created at or after <paramref name="from"/>, per minute; <c>waiting</c>: those delivered or still pending (not failed).</summary>
    public static Task<List<UsageMinute>> CreatedAsync(TallyDbContext db, DateTimeOffset from, CancellationToken ct) => db is PostgresTallyDbContext
        ? db.Database.SqlQuery<UsageMinute>($"""
            select floor(extract(epoch from (created_at - {from})) / 60)::bigint as "minute", count(*) as "total",
                   count(*) filter (where reported_at is not null or status = 'pending') as "waiting"
            from usage_records where created_at >= {from} group by 1
            """).ToListAsync(ct)
        : db.Database.SqlQuery<UsageMinute>($"""
            select ((created_at >> 11) - {Units(from)}) / {UnitsPerMinute} as "minute", count(*) as "total",
                   sum(case when reported_at is not null or status = 'pending' then 1 else 0 end) as "waiting"
            from usage_records where created_at >= {Stored(from)} group by 1
            """).ToListAsync(ct);

    /// <summary>Records delivered at or after <paramref name="from"/>, per minute of delivery.</summary>
    public static Task<List<UsageMinute>> DeliveredAsync(TallyDbContext db, DateTimeOffset from, CancellationToken ct) => db is PostgresTallyDbContext
        ? db.Database.SqlQuery<UsageMinute>($"""
            select floor(extract(epoch from (reported_at - {from})) / 60)::bigint as "minute", count(*) as "total", 0::bigint as "waiting"
            from usage_records where reported_at >= {from} group by 1
            """).ToListAsync(ct)
        : db.Database.SqlQuery<UsageMinute>($"""
            select ((reported_at >> 11) - {Units(from)}) / {UnitsPerMinute} as "minute", count(*) as "total", 0 as "waiting"
            from usage_records where reported_at >= {Stored(from)} group by 1
            """).ToListAsync(ct);

    private static long Stored(DateTimeOffset t) => (long)Binary.ConvertToProvider(t.ToUniversalTime())!;

    private static long Units(DateTimeOffset t) => Stored(t) >> 11;
}
