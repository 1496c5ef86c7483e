namespace Tally.Bench.Webhooks;

internal static class EventCopies
{
    /// <summary><paramref name="count"/> bodies cycling through the real events, each with a new event id (tagged <paramref name="tag"/>).</summary>
    public static List<RawEvent> Make(List<RawEvent> events, int count, string tag) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var e = events[i % events.Count];
            var id = $"evt_bench_{tag}_{i}";
            return new RawEvent(id, e.Type, e.Json.Replace($"\"{e.Id}\"", $"\"{id}\"", StringComparison.Ordinal));
        }).ToList();
}
