using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Usage;

/// <summary>Records created in minute <c>minute</c> of the window: all, those that waited (delivered or still pending: not failed), those still pending.</summary>
internal sealed record CreatedMinute(long Minute, long Total, long Waiting, long Pending);

/// <summary>Records delivered in minute <c>minute</c> of the window: all, and those of them created before the window.</summary>
internal sealed record DeliveredMinute(long Minute, long Total, long Earlier);

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
    public static Task<List<CreatedMinute>> CreatedAsync(TallyDbContext db, DateTimeOffset from, CancellationToken ct) => db is PostgresTallyDbContext
        ? db.Database.SqlQuery<CreatedMinute>($"""
            select floor(extract(epoch from (created_at - {from})) / 60)::bigint as "minute", count(*) as "total",
                   count(*) filter (where reported_at is not null or status = 'pending') as "waiting",
                   count(*) filter (where status = 'pending') as "pending"
            from usage_records where created_at >= {from} group by 1
            """).ToListAsync(ct)
        : db.Database.SqlQuery<CreatedMinute>($"""
            select ((created_at >> 11) - {Units(from)}) / {UnitsPerMinute} as "minute", count(*) as "total",
                   sum(case when reported_at is not null or status = 'pending' then 1 else 0 end) as "waiting",
                   sum(case when status = 'pending' then 1 else 0 end) as "pending"
            from usage_records where created_at >= {Stored(from)} group by 1
            """).ToListAsync(ct);

    /// <summary>Records delivered at or after <paramref name="from"/>, per minute of delivery.</summary>
    public static Task<List<DeliveredMinute>> DeliveredAsync(TallyDbContext db, DateTimeOffset from, CancellationToken ct) => db is PostgresTallyDbContext
        ? db.Database.SqlQuery<DeliveredMinute>($"""
            select floor(extract(epoch from (reported_at - {from})) / 60)::bigint as "minute", count(*) as "total",
                   count(*) filter (where created_at < {from}) as "earlier"
            from usage_records where reported_at >= {from} group by 1
            """).ToListAsync(ct)
        : db.Database.SqlQuery<DeliveredMinute>($"""
            select ((reported_at >> 11) - {Units(from)}) / {UnitsPerMinute} as "minute", count(*) as "total",
                   sum(case when created_at < {Stored(from)} then 1 else 0 end) as "earlier"
            from usage_records where reported_at >= {Stored(from)} group by 1
            """).ToListAsync(ct);

    private static long Stored(DateTimeOffset t) => (long)Binary.ConvertToProvider(t.ToUniversalTime())!;

    private static long Units(DateTimeOffset t) => Stored(t) >> 11;
}
