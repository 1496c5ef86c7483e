using System.Globalization;

namespace Tally.Bench.Webhooks;

internal sealed record BenchOptions(string Dll, string DatabaseUrl, string ProcessDatabaseUrlPrefix, int Rounds, int Customers, int IntakeEvents, int IntakeWarmup, int Concurrency, int HealthzSeconds, int Parallelism, int WarmupCustomers, string? BaselineDll)
{
    public static BenchOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string name, int fallback) => map.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions(
            map.GetValueOrDefault("dll") ?? throw new ArgumentException("--dll <path to Tally.Api.dll> is required"),
            map.GetValueOrDefault("database-url") ?? throw new ArgumentException("--database-url is required (a prefix: the build number, 1 or 2, is appended)"),
            map.GetValueOrDefault("process-database-url") ?? throw new ArgumentException("--process-database-url is required (a prefix: the build number, 1 or 2, is appended)"),
            Int("rounds", 5), Int("customers", 1000), Int("intake-events", 20000), Int("intake-warmup", 40000), Int("concurrency", 32), Int("healthz-seconds", 5), Int("parallelism", 8), Int("warmup-customers", 4000), map.GetValueOrDefault("baseline-dll"));
    }
}
