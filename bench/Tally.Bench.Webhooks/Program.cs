using System.Diagnostics;
using System.Globalization;
using Tally.Bench.Webhooks;

// Webhook intake and processing throughput of a Release build of Tally (see bench/README.md, "Webhooks").
//   dotnet bench/Tally.Bench.Webhooks/bin/Release/net10.0/Tally.Bench.Webhooks.dll --dll <Tally.Api.dll> --database-url <postgres://...>
//     --process-database-url <postgres://.../prefix> [--rounds 5] [--customers 1000] [--warmup-customers 4000]
//     [--intake-events 20000] [--intake-warmup 40000] [--concurrency 32] [--healthz-seconds 5] [--baseline-dll <Tally.Api.dll>]
// Throughput is measured on running services: each Tally is started once and warmed up (JIT tiers,
// EF Core's query cache, connection pools) before the timed rounds; the first events after start
// are reported beside it.
var options = BenchOptions.Parse(args);
Console.WriteLine(F($"webhook bench: {options.Rounds} rounds of {options.Customers} customers (+{options.WarmupCustomers} for warm-up), {options.IntakeEvents} intake events per round, concurrency {options.Concurrency}"));

await using var stripe = await StripeAccountFixture.StartAsync();
if (args.Contains("--probe"))
{
    await Probe.RunAsync(stripe, await stripe.AddCustomersAsync(0, options.Customers));
    return 0;
}

var warmupEvents = await stripe.AddCustomersAsync(0, options.WarmupCustomers);
var roundEvents = new List<List<RawEvent>>();
for (var round = 0; round < options.Rounds; round++)
{
    roundEvents.Add(await stripe.AddCustomersAsync(options.WarmupCustomers + (round * options.Customers), options.Customers));
}

var realEvents = roundEvents[0];
Console.WriteLine($"emulator: {realEvents.Count} events per round from {options.Customers} customers with subscriptions ({string.Join(", ", realEvents.GroupBy(e => e.Type).OrderByDescending(g => g.Count()).Take(6).Select(g => $"{g.Key} {g.Count()}"))}), {warmupEvents.Count} warm-up events from {options.WarmupCustomers} others");
var builds = new List<Build> { new("", options, 1) };
if (options.BaselineDll is not null)
{
    builds.Add(new Build("baseline ", options with { Dll = options.BaselineDll }, 2));
}

// (a) intake: one Tally per build with its processor off, so only verify + store is measured, each on
// its own database; unique copies of the real event bodies; a /healthz run before each timed round.
var health = new List<double>();
await using (var intakes = new ProcessSet())
{
    for (var b = 0; b < builds.Count; b++)
    {
        var tally = await intakes.StartAsync(builds[b].Options, builds[b].IntakeDatabase, stripe, processorEnabled: false);
        var sw = Stopwatch.StartNew();
        var warm = await new Load(tally.BaseUrl, options.Concurrency).PostEventsAsync(EventCopies.Make(realEvents, options.IntakeWarmup, F($"w{b}")), StripeAccountFixture.WebhookSecret);
        Console.WriteLine(F($"{builds[b].Label}intake warm-up: {warm} events just after start at {warm / sw.Elapsed.TotalSeconds:F0}/s"));
    }

    for (var round = 1; round <= options.Rounds; round++)
    {
        foreach (var b in Alternating(round))
        {
            var load = new Load(intakes[b].BaseUrl, options.Concurrency);
            var h = await load.HealthzAsync(TimeSpan.FromSeconds(options.HealthzSeconds));
            var copies = EventCopies.Make(realEvents, options.IntakeEvents, F($"r{round}b{b}"));
            var cpu = CpuMeter.Start(intakes[b]);
            var sw = Stopwatch.StartNew();
            var ok = await load.PostEventsAsync(copies, StripeAccountFixture.WebhookSecret);
            var rate = ok / sw.Elapsed.TotalSeconds;
            var (tallyMs, postgresMs) = cpu.PerThousand(ok);
            builds[b].Intake.Add(rate);
            builds[b].IntakeCpu.Add((tallyMs, postgresMs));
            if (b == 0)
            {
                health.Add(h);
            }

            Console.WriteLine(F($"round {round}: {builds[b].Label}intake {rate:F0} events/s ({ok} stored in {sw.Elapsed.TotalSeconds:F2} s; CPU per 1,000: Tally {tallyMs:F0} ms, PostgreSQL {postgresMs:F0} ms), /healthz {h:F0} req/s"));
        }
    }
}

// (b) processing: one Tally per build with its processor on, each on its own fresh database, warmed
// up with other customers' events; then each round's events are posted through intake while the
// processor runs, as Stripe would send them, and timed from the first post until every event is
// handled (so intake shares the CPU). With a baseline build, the builds alternate per round.
await using (var running = new ProcessSet())
{
    for (var b = 0; b < builds.Count; b++)
    {
        var tally = await running.StartAsync(builds[b].Options, builds[b].ProcessDatabase, stripe, processorEnabled: true);
        var (rate, seconds) = await DrainAsync(tally, warmupEvents);
        Console.WriteLine(F($"{builds[b].Label}processing warm-up: {warmupEvents.Count} events just after start at {rate:F0}/s ({seconds:F2} s)"));
    }

    for (var round = 1; round <= options.Rounds; round++)
    {
        foreach (var b in Alternating(round))
        {
            var events = roundEvents[round - 1];
            var cpu = CpuMeter.Start(running[b]);
            var (rate, seconds) = await DrainAsync(running[b], events);
            var (tallyMs, postgresMs) = cpu.PerThousand(events.Count);
            var failed = await running[b].CountAsync("failed");
            var problems = await MirrorCheck.ProblemsAsync(builds[b].ProcessDatabase, options.WarmupCustomers + (round * options.Customers));
            Console.WriteLine(F($"round {round}: {builds[b].Label}processing {rate:F0} events/s ({events.Count} events in {seconds:F2} s; CPU per 1,000: Tally {tallyMs:F0} ms, PostgreSQL {postgresMs:F0} ms; {failed} failed in total); mirror {(problems.Count == 0 ? "matches the emulator" : "WRONG: " + string.Join("; ", problems))}"));
            if (failed > 0 || problems.Count > 0)
            {
                return 1;
            }

            builds[b].Processing.Add(rate);
            builds[b].ProcessingCpu.Add((tallyMs, postgresMs));
        }
    }
}

Console.WriteLine();
Console.WriteLine(F($"median /healthz: {Median(health):F0} req/s (same runs, same client and concurrency)"));
foreach (var build in builds)
{
    Console.WriteLine(F($"median {build.Label}intake:     {Median(build.Intake):F0} events/s (target >= 5,000); CPU per 1,000: {Cpu(build.IntakeCpu)}"));
    Console.WriteLine(F($"median {build.Label}processing: {Median(build.Processing):F0} events/s (target >= 1,000); CPU per 1,000: {Cpu(build.ProcessingCpu)}"));
}

if (builds.Count > 1)
{
    Console.WriteLine(F($"ratios to the baseline: intake {Median(builds[0].Intake) / Median(builds[1].Intake):F2}, processing {Median(builds[0].Processing) / Median(builds[1].Processing):F2}"));
}

return 0;

// Posts the events through intake and waits until none is pending: events per second, seconds.
async Task<(double Rate, double Seconds)> DrainAsync(TallyProcess tally, List<RawEvent> events)
{
    var sw = Stopwatch.StartNew();
    await new Load(tally.BaseUrl, options.Concurrency).PostEventsAsync(events, StripeAccountFixture.WebhookSecret);
    await tally.WaitUntilNoPendingAsync();
    return (events.Count / sw.Elapsed.TotalSeconds, sw.Elapsed.TotalSeconds);
}

// The builds in turn, in reverse order every other round.
IEnumerable<int> Alternating(int round) => round % 2 == 1 ? Enumerable.Range(0, builds.Count) : Enumerable.Range(0, builds.Count).Reverse();

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

static string Cpu(List<(double Tally, double Postgres)> cpu) =>
    F($"Tally {Median([.. cpu.Select(c => c.Tally)]):F0} ms, PostgreSQL {Median([.. cpu.Select(c => c.Postgres)]):F0} ms");

/// <summary>A build of Tally under test (number 1 or 2, which names its databases) and its measured rates.</summary>
internal sealed record Build(string Label, BenchOptions Options, int Number)
{
    public string IntakeDatabase => Options.DatabaseUrl + Number.ToString(CultureInfo.InvariantCulture);

    public string ProcessDatabase => Options.ProcessDatabaseUrlPrefix + Number.ToString(CultureInfo.InvariantCulture);

    public List<double> Intake { get; } = [];

    public List<double> Processing { get; } = [];

    public List<(double Tally, double Postgres)> IntakeCpu { get; } = [];

    public List<(double Tally, double Postgres)> ProcessingCpu { get; } = [];
}
