namespace Tally.StripeEmulator.Billing.Metering;

internal readonly record struct MeterSeriesKey(string MeterId, string CustomerId);

/// <summary>One customer × meter: a bucket per distinct event second (sum, count, last value).</summary>
internal sealed class MeterSeries(MeterSeriesKey key, int index)
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, Bucket> buckets = [];

    public MeterSeriesKey Key { get; } = key;
    public int Index { get; } = index;

    public void Add(long second, long value)
    {
        lock (gate)
        {
            buckets.TryGetValue(second, out var b);
            buckets[second] = new Bucket(b.Sum + value, b.Count + 1, value);
        }
    }

    public void Remove(long second, long value, Func<IEnumerable<long>> liveValues)
    {
        lock (gate)
        {
            if (!buckets.TryGetValue(second, out var b))
            {
                return;
            }

            if (b.Count <= 1)
            { buckets.Remove(second); return; }
            var last = b.Last;
            if (last == value)
            {
                // "last" within one second is arrival order; once the last event is cancelled the
                // survivors are only known from the dedup entries (any of them will do within a second).
                last = liveValues().DefaultIfEmpty(0).Last();
            }
            buckets[second] = new Bucket(b.Sum - value, b.Count - 1, last);
        }
    }

    public decimal Aggregate(MeterFormula formula, long from, long to)
    {
        lock (gate)
        {
            decimal sum = 0;
            long count = 0;
            var lastSecond = long.MinValue;
            long last = 0;
            foreach (var (second, b) in buckets)
            {
                if (second < from || second >= to)
                {
                    continue;
                }

                sum += b.Sum;
                count += b.Count;
                if (second > lastSecond)
                { lastSecond = second; last = b.Last; }
            }
            return formula switch
            {
                MeterFormula.Sum => sum,
                MeterFormula.Count => count,
                _ => lastSecond == long.MinValue ? 0m : last,
            };
        }
    }

    public MeterUsageSnapshot.SeriesState Export()
    {
        lock (gate)
        {
            return new(Key.MeterId, Key.CustomerId,
                buckets.Select(kv => new MeterUsageSnapshot.BucketState(kv.Key, kv.Value.Sum, kv.Value.Count, kv.Value.Last)).ToList());
        }
    }

    public void Import(MeterUsageSnapshot.SeriesState state)
    {
        lock (gate)
        {
            foreach (var b in state.Buckets)
            {
                buckets[b.Second] = new Bucket(b.Sum, b.Count, b.Last);
            }
        }
    }

    private readonly record struct Bucket(decimal Sum, long Count, long Last);
}
