using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Tally.StripeEmulator.Billing.Metering;

/// <summary>
/// Meter usage in bounded memory: raw events are never kept. Each (meter, customer) series holds
/// one bucket per distinct event second (sum, count, last value), and identifier dedup keeps a
/// 128-bit hash of the identifier plus the event's contribution (so a cancel adjustment can undo
/// it) for the dedup window, after which the entry is pruned. Memory therefore grows with the
/// number of distinct seconds per series and with the events of the last ~25 hours, not with
/// the total number of events.
/// </summary>
internal sealed class MeterUsageStore(TimeProvider time)
{
    /// <summary>Stripe keeps identifiers unique for "a rolling period of at least 24 hours".</summary>
    public static readonly TimeSpan DedupWindow = TimeSpan.FromHours(24);
    private static readonly TimeSpan PruneAfter = TimeSpan.FromHours(25);
    private const int ShardCount = 64;

    private readonly DedupShard[] shards = CreateShards();
    private readonly ConcurrentDictionary<MeterSeriesKey, MeterSeries> series = new();
    private readonly List<MeterSeries> seriesById = [];
    private readonly Lock seriesGate = new();

    public RecordOutcome TryRecord(string meterId, string customerId, string identifier, long timestamp, long value)
    {
        var series = GetOrAddSeries(meterId, customerId);
        var hash = Hash(identifier);
        var shard = shards[(int)((ulong)hash % ShardCount)];
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        lock (shard.Gate)
        {
            shard.MaybePrune(now);
            if (shard.Entries.ContainsKey(hash))
            {
                return RecordOutcome.Duplicate;
            }

            shard.Entries[hash] = new DedupEntry(series.Index, timestamp, value, now, Cancelled: false);
        }
        series.Add(timestamp, value);
        return RecordOutcome.Recorded;
    }

    /// <summary>Cancels an event received within the last 24 h; false when unknown, too old or already cancelled.</summary>
    public CancelOutcome Cancel(string meterId, string identifier)
    {
        var hash = Hash(identifier);
        var shard = shards[(int)((ulong)hash % ShardCount)];
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        DedupEntry entry;
        lock (shard.Gate)
        {
            if (!shard.Entries.TryGetValue(hash, out entry))
            {
                return CancelOutcome.NotFound;
            }

            if (now - entry.ReceivedAt > (long)DedupWindow.TotalSeconds)
            {
                return CancelOutcome.NotFound;
            }

            if (entry.Cancelled)
            {
                return CancelOutcome.AlreadyCancelled;
            }

            var series0 = SeriesAt(entry.Series);
            if (series0.Key.MeterId != meterId)
            {
                return CancelOutcome.NotFound;
            }

            shard.Entries[hash] = entry with { Cancelled = true };
        }
        var series = SeriesAt(entry.Series);
        series.Remove(entry.Timestamp, entry.Value, () => LiveValuesAt(entry.Series, entry.Timestamp));
        return CancelOutcome.Cancelled;
    }

    /// <summary>Aggregate of non-cancelled events with timestamp in [from, to).</summary>
    public decimal Aggregate(string meterId, string customerId, MeterFormula formula, long from, long to) =>
        series.TryGetValue(new MeterSeriesKey(meterId, customerId), out var s) ? s.Aggregate(formula, from, to) : 0m;

    /// <summary>Aggregates per window of <paramref name="windowSeconds"/> over [from, to), oldest first, empty windows included.</summary>
    public IReadOnlyList<(long Start, long End, decimal Value)> AggregateWindows(
        string meterId, string customerId, MeterFormula formula, long from, long to, long windowSeconds)
    {
        var result = new List<(long, long, decimal)>();
        series.TryGetValue(new MeterSeriesKey(meterId, customerId), out var s);
        for (var start = from; start < to; start += windowSeconds)
        {
            var end = Math.Min(start + windowSeconds, to);
            result.Add((start, end, s?.Aggregate(formula, start, end) ?? 0m));
        }
        return result;
    }

    public IEnumerable<(string MeterId, string CustomerId)> SeriesKeys() => series.Keys.Select(k => (k.MeterId, k.CustomerId));

    public int DedupCount
    {
        get
        {
            var n = 0;
            foreach (var shard in shards)
            {
                lock (shard.Gate)
                {
                    n += shard.Entries.Count;
                }
            }

            return n;
        }
    }

    public MeterUsageSnapshot Export()
    {
        var series = new List<MeterUsageSnapshot.SeriesState>();
        lock (seriesGate)
        {
            foreach (var s in seriesById)
            {
                series.Add(s.Export());
            }
        }
        var dedup = new List<MeterUsageSnapshot.DedupState>();
        foreach (var shard in shards)
        {
            lock (shard.Gate)
            {
                foreach (var (k, e) in shard.Entries)
                {
                    dedup.Add(new((ulong)(k >> 64), (ulong)k, e.Series, e.Timestamp, e.Value, e.ReceivedAt, e.Cancelled));
                }
            }
        }
        return new MeterUsageSnapshot(series, dedup);
    }

    public void Import(MeterUsageSnapshot snapshot)
    {
        lock (seriesGate)
        {
            series.Clear();
            seriesById.Clear();
            foreach (var st in snapshot.Series)
            {
                var s = new MeterSeries(new MeterSeriesKey(st.MeterId, st.CustomerId), seriesById.Count);
                s.Import(st);
                seriesById.Add(s);
                series[s.Key] = s;
            }
        }
        foreach (var shard in shards)
        {
            lock (shard.Gate)
            {
                shard.Entries.Clear();
            }
        }

        foreach (var d in snapshot.Dedup)
        {
            var hash = ((UInt128)d.HashHigh << 64) | d.HashLow;
            var shard = shards[(int)((ulong)hash % ShardCount)];
            lock (shard.Gate)
            {
                shard.Entries[hash] = new DedupEntry(d.Series, d.Timestamp, d.Value, d.ReceivedAt, d.Cancelled);
            }
        }
    }

    private IEnumerable<long> LiveValuesAt(int seriesIndex, long timestamp)
    {
        var values = new List<long>();
        foreach (var shard in shards)
        {
            lock (shard.Gate)
            {
                foreach (var e in shard.Entries.Values)
                {
                    if (e.Series == seriesIndex && e.Timestamp == timestamp && !e.Cancelled)
                    {
                        values.Add(e.Value);
                    }
                }
            }
        }
        return values;
    }

    private MeterSeries GetOrAddSeries(string meterId, string customerId)
    {
        var key = new MeterSeriesKey(meterId, customerId);
        if (series.TryGetValue(key, out var s))
        {
            return s;
        }

        lock (seriesGate)
        {
            if (series.TryGetValue(key, out s))
            {
                return s;
            }

            s = new MeterSeries(key, seriesById.Count);
            seriesById.Add(s);
            series[key] = s;
            return s;
        }
    }

    private MeterSeries SeriesAt(int index)
    {
        lock (seriesGate)
        {
            return seriesById[index];
        }
    }

    private static UInt128 Hash(string identifier)
    {
        var max = Encoding.UTF8.GetMaxByteCount(identifier.Length);
        var buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var n = Encoding.UTF8.GetBytes(identifier, buffer);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buffer[..n], digest);
        return new UInt128(BitConverter.ToUInt64(digest[..8]), BitConverter.ToUInt64(digest[8..16]));
    }

    private static DedupShard[] CreateShards()
    {
        var shards = new DedupShard[ShardCount];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new DedupShard();
        }

        return shards;
    }

    private readonly record struct DedupEntry(int Series, long Timestamp, long Value, long ReceivedAt, bool Cancelled);

    private sealed class DedupShard
    {
        public readonly Lock Gate = new();
        public readonly Dictionary<UInt128, DedupEntry> Entries = [];
        private long lastPrune;

        public void MaybePrune(long now)
        {
            if (now - lastPrune < 600)
            {
                return;
            }

            lastPrune = now;
            var cutoff = now - (long)PruneAfter.TotalSeconds;
            List<UInt128>? stale = null;
            foreach (var (k, e) in Entries)
            {
                if (e.ReceivedAt < cutoff)
                {
                    (stale ??= []).Add(k);
                }
            }

            if (stale is not null)
            {
                foreach (var k in stale)
                {
                    Entries.Remove(k);
                }
            }
        }
    }
}

internal enum MeterFormula { Sum, Count, Last }

internal enum RecordOutcome { Recorded, Duplicate }

internal enum CancelOutcome { Cancelled, NotFound, AlreadyCancelled }

internal sealed record MeterUsageSnapshot(
    List<MeterUsageSnapshot.SeriesState> Series,
    List<MeterUsageSnapshot.DedupState> Dedup)
{
    internal sealed record SeriesState(string MeterId, string CustomerId, List<BucketState> Buckets);

    internal sealed record BucketState(long Second, decimal Sum, long Count, long Last);

    internal sealed record DedupState(ulong HashHigh, ulong HashLow, int Series, long Timestamp, long Value, long ReceivedAt, bool Cancelled);
}
