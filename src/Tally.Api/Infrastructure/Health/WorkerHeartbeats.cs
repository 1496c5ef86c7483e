using System.Collections.Concurrent;

namespace Tally.Api.Infrastructure.Health;

/// <summary>
/// Whether the background workers of this instance are alive, for <c>/readyz</c>: each worker beats once
/// per loop (and once per unit of work); it is dead when its loop has ended (other than by shutdown) or
/// when it has not beaten for <c>max(10 × its interval, 5 min)</c> (a hang; a long flush or batch beats as it goes).
/// </summary>
internal sealed class WorkerHeartbeats(TimeProvider clock)
{
    private static readonly TimeSpan MinimumStale = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Worker> workers = new(StringComparer.Ordinal);

    public void Beat(string name, TimeSpan interval) =>
        workers[name] = new Worker(clock.GetUtcNow(), TimeSpan.FromTicks(Math.Max(MinimumStale.Ticks, interval.Ticks * 10)), Ended: false);

    /// <summary>The worker's loop ended (it throws, or the host stops).</summary>
    public void Ended(string name) => workers.AddOrUpdate(name, _ => new Worker(clock.GetUtcNow(), MinimumStale, Ended: true), (_, w) => w with { Ended = true });

    /// <summary>Each worker that has run on this instance: "alive", "stale" or "stopped".</summary>
    public IReadOnlyDictionary<string, string> Report()
    {
        var now = clock.GetUtcNow();
        return workers.OrderBy(w => w.Key, StringComparer.Ordinal)
            .ToDictionary(w => w.Key, w => w.Value.Ended ? "stopped" : now - w.Value.LastBeat > w.Value.Stale ? "stale" : "alive");
    }

    private sealed record Worker(DateTimeOffset LastBeat, TimeSpan Stale, bool Ended);
}
