using System.Diagnostics;
using System.Globalization;
using Stripe;
using Stripe.Billing;
using Tally.StripeEmulator;

namespace Tally.Bench.Emulator;

/// <summary>
/// Meter-event load generator: Stripe.net 53.1.0 → emulator over loopback HTTP, both in this
/// process (2 cores shared). Prints events/s per run, the median, and the memory after the
/// requested total number of events.
/// Usage: dotnet run -c Release --project bench/Tally.Bench.Emulator [-- runs eventsPerRun concurrency totalEvents]
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        var runs = Arg(args, 0, 5);
        var perRun = Arg(args, 1, 20_000);
        var concurrency = Arg(args, 2, 64);
        var total = Arg(args, 3, 1_000_000);
        var v1ok = await V1PhaseAsync(runs, perRun, concurrency, total);
        var v2ok = await StreamPhaseAsync(total, concurrency);
        return v1ok && v2ok ? 0 : 1;
    }

    private static async Task<bool> V1PhaseAsync(int runs, int perRun, int concurrency, int total)
    {
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Port = 0 });
        var key = "sk_test_bench_" + Guid.NewGuid().ToString("N");
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = key,
            ApiBase = server.ApiBase,
            MeterEventsBase = server.ApiBase,
            HttpClient = new SystemNetHttpClient(new HttpClient(handler), maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
        });

        var customers = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            customers.Add((await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"bench {i}" })).Id);
        }

        var meter = await stripe.V1.Billing.Meters.CreateAsync(new MeterCreateOptions
        {
            DisplayName = "Bench", EventName = "bench_events",
            DefaultAggregation = new MeterDefaultAggregationOptions { Formula = "sum" },
        });

        long sent = 0;
        await SendAsync(stripe, customers, 30_000, concurrency, () => Interlocked.Increment(ref sent)); // warm-up (JIT, connections)
        var rates = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            await SendAsync(stripe, customers, perRun, concurrency, () => Interlocked.Increment(ref sent));
            sw.Stop();
            rates.Add(perRun / sw.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {r + 1}: {perRun} events in {sw.Elapsed.TotalSeconds:0.00} s = {rates[^1]:0} events/s (concurrency {concurrency})"));
        }
        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median: {rates[rates.Count / 2]:0} events/s over {runs} runs"));
        await RawRunAsync(server, key, customers, perRun, concurrency);
        Interlocked.Add(ref sent, perRun);

        var fill = Stopwatch.StartNew();
        while (Interlocked.Read(ref sent) < total)
        {
            var batch = (int)Math.Min(100_000, total - Interlocked.Read(ref sent));
            await SendAsync(stripe, customers, batch, concurrency, () => Interlocked.Increment(ref sent));
        }
        fill.Stop();
        var counted = customers.Sum(c => server.Control.MeterTotal(key, c, meter.Id, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sent {sent} events ({fill.Elapsed.TotalSeconds:0} s for the fill), emulator counted {counted}"));
        Report("after the events");
        server.Control.ClearRequests();
        Report("after clearing the core's request log");
        return counted == sent;
    }

    /// <summary>
    /// The same volume through the v2 meter event stream (100 events per request, session token,
    /// no idempotency cache): a fresh emulator whose memory afterwards is essentially billing's own
    /// state (aggregates + identifier dedup set).
    /// </summary>
    private static async Task<bool> StreamPhaseAsync(int total, int concurrency)
    {
        Console.WriteLine("-- v2 meter event stream, fresh emulator --");
        await using var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { Port = 0 });
        var key = "sk_test_bench_" + Guid.NewGuid().ToString("N");
        var stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = key,
            ApiBase = server.ApiBase,
            MeterEventsBase = server.ApiBase,
            HttpClient = new SystemNetHttpClient(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }), 0, null, false),
        });
        var customers = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            customers.Add((await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"bench {i}" })).Id);
        }

        var meter = await stripe.V1.Billing.Meters.CreateAsync(new MeterCreateOptions
        {
            DisplayName = "Bench", EventName = "bench_events",
            DefaultAggregation = new MeterDefaultAggregationOptions { Formula = "sum" },
        });
        var session = await stripe.V2.Billing.MeterEventSession.CreateAsync(new Stripe.V2.Billing.MeterEventSessionCreateOptions());
        var requests = total / 100;
        var next = -1;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, 16)).Select(async _ =>
        {
            int r;
            while ((r = Interlocked.Increment(ref next)) < requests)
            {
                var events = new List<Stripe.V2.Billing.MeterEventStreamCreateEventOptions>(100);
                for (var j = 0; j < 100; j++)
                {
                    events.Add(new Stripe.V2.Billing.MeterEventStreamCreateEventOptions
                    {
                        EventName = "bench_events",
                        Identifier = Guid.NewGuid().ToString("N"),
                        Payload = new() { ["stripe_customer_id"] = customers[(r + j) % customers.Count], ["value"] = "1" },
                        Timestamp = DateTime.UtcNow,
                    });
                }
                await stripe.V2.Billing.MeterEventStream.CreateAsync(new Stripe.V2.Billing.MeterEventStreamCreateOptions { Events = events },
                    new RequestOptions { ApiKey = session.AuthenticationToken });
            }
        }));
        sw.Stop();
        var counted = customers.Sum(c => server.Control.MeterTotal(key, c, meter.Id, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream: {requests * 100} events in {sw.Elapsed.TotalSeconds:0.0} s = {requests * 100 / sw.Elapsed.TotalSeconds:0} events/s, emulator counted {counted}"));
        server.Control.ClearRequests();
        Report($"after {requests * 100:N0} stream events (request log cleared)");
        return counted == requests * 100;
    }

    /// <summary>
    /// The same requests with a plain HttpClient and a pre-encoded form body (no Stripe.net on the
    /// client side), to separate the emulator's cost from the SDK's on this shared machine.
    /// </summary>
    private static async Task RawRunAsync(StripeEmulatorServer server, string key, List<string> customers, int count, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var next = -1;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var body = $"event_name=bench_events&identifier=raw-{Guid.NewGuid():N}&payload[stripe_customer_id]={customers[i % customers.Count]}&payload[value]=1";
                using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
                using var response = await http.PostAsync("/v1/billing/meter_events", content);
                response.EnsureSuccessStatusCode();
            }
        }));
        sw.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"raw HttpClient (no SDK, no Idempotency-Key): {count} events in {sw.Elapsed.TotalSeconds:0.00} s = {count / sw.Elapsed.TotalSeconds:0} events/s"));
    }

    private static void Report(string when)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var p = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory {when}: GC heap {GC.GetTotalMemory(false) / 1048576.0:0} MiB, working set {p.WorkingSet64 / 1048576.0:0} MiB"));
    }

    private static async Task SendAsync(StripeClient stripe, List<string> customers, int count, int concurrency, Action onSent)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await stripe.V1.Billing.MeterEvents.CreateAsync(new MeterEventCreateOptions
                {
                    EventName = "bench_events",
                    Identifier = Guid.NewGuid().ToString("N"),
                    Payload = new() { ["stripe_customer_id"] = customers[i % customers.Count], ["value"] = "1" },
                });
                onSent();
            }
        });
        await Task.WhenAll(workers);
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
