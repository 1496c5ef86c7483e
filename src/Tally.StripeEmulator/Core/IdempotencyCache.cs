namespace Tally.StripeEmulator.Core;

/// <summary>
/// Saved responses per <c>Idempotency-Key</c> for one account, kept 24 h of emulated time.
/// Guarded by the account lock. Completed entries are part of the state snapshot
/// (<see cref="Persistence"/>), so a retry after a restart still replays instead of acting twice.
/// </summary>
internal sealed class IdempotencyCache
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Memory bound per account: beyond it the oldest keys go before their 24 h are up.</summary>
    public const int MaxEntries = 200_000;

    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, Entry Entry)> order = new();

    internal sealed class Entry(string fingerprint, DateTimeOffset created, string requestId)
    {
        public string Fingerprint { get; } = fingerprint;
        public DateTimeOffset Created { get; } = created;
        public string RequestId { get; } = requestId;
        public bool InFlight { get; set; } = true;
        public int Status { get; set; }
        public string ContentType { get; set; } = "application/json";
        public byte[] Body { get; set; } = [];
    }

    internal enum Outcome { Started, Replay, Mismatch, InFlight }

    public (Outcome, Entry?) Begin(string key, string fingerprint, DateTimeOffset now, string requestId)
    {
        Trim(now);
        if (entries.TryGetValue(key, out var e) && e.Created + Retention > now)
        {
            if (e.Fingerprint != fingerprint)
            {
                return (Outcome.Mismatch, e);
            }

            return e.InFlight ? (Outcome.InFlight, e) : (Outcome.Replay, e);
        }
        var entry = new Entry(fingerprint, now, requestId);
        entries[key] = entry;
        order.Enqueue((key, entry));
        return (Outcome.Started, entry);
    }

    /// <summary>Completed, unexpired entries oldest first: what a snapshot keeps (in-flight ones never finished).</summary>
    public IEnumerable<(string Key, Entry Entry)> Completed(DateTimeOffset now)
    {
        Trim(now);
        foreach (var (key, entry) in order)
        {
            if (!entry.InFlight && entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
            {
                yield return (key, entry);
            }
        }
    }

    /// <summary>Puts back a saved entry (oldest first); expired ones and those past the bound are dropped.</summary>
    public void Restore(string key, Entry entry, DateTimeOffset now)
    {
        if (entry.Created + Retention <= now)
        {
            return;
        }

        entry.InFlight = false;
        entries[key] = entry;
        order.Enqueue((key, entry));
        Trim(now);
    }

    public bool IsInFlight(string key) => entries.TryGetValue(key, out var e) && e.InFlight;

    public void Complete(Entry entry, int status, string contentType, byte[] body)
    {
        entry.Status = status;
        entry.ContentType = contentType;
        entry.Body = body;
        entry.InFlight = false;
    }

    /// <summary>Forget a key whose request failed validation (Stripe does not save those results).</summary>
    public void Abandon(string key, Entry entry)
    {
        if (entries.TryGetValue(key, out var e) && ReferenceEquals(e, entry))
        {
            entries.Remove(key);
        }
    }

    // Amortised O(1): keys leave in insertion order once expired (or past the memory bound).
    private void Trim(DateTimeOffset now)
    {
        while (order.TryPeek(out var oldest))
        {
            var stale = !entries.TryGetValue(oldest.Key, out var current) || !ReferenceEquals(current, oldest.Entry);
            var expired = oldest.Entry.Created + Retention <= now || order.Count > MaxEntries;
            if (!stale && !(expired && !oldest.Entry.InFlight))
            {
                return;
            }

            order.Dequeue();
            if (!stale)
            {
                entries.Remove(oldest.Key);
            }
        }
    }
}
