namespace Tally.StripeEmulator.Core;

/// <summary>
/// Saved responses per <c>Idempotency-Key</c> for one account, kept 24 h of emulated time.
/// Guarded by the account lock.
/// </summary>
internal sealed class IdempotencyCache
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _purgeAt = 10_000;

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
        if (_entries.Count > _purgeAt)
        {
            Purge(now);
            _purgeAt = Math.Max(10_000, _entries.Count * 2);
        }
        if (_entries.TryGetValue(key, out var e) && e.Created + Retention > now)
        {
            if (e.Fingerprint != fingerprint) return (Outcome.Mismatch, e);
            return e.InFlight ? (Outcome.InFlight, e) : (Outcome.Replay, e);
        }
        var entry = new Entry(fingerprint, now, requestId);
        _entries[key] = entry;
        return (Outcome.Started, entry);
    }

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
        if (_entries.TryGetValue(key, out var e) && ReferenceEquals(e, entry)) _entries.Remove(key);
    }

    private void Purge(DateTimeOffset now)
    {
        foreach (var (k, e) in _entries.ToList())
            if (!e.InFlight && e.Created + Retention <= now) _entries.Remove(k);
    }
}
