using System.Diagnostics;
using System.Globalization;
using Tally.Bench.Webhooks;

// Webhook intake and processing throughput of a Release build of Tally (see bench/README.md, "Webhooks").
//   dotnet bench/Tally.Bench.Webhooks/bin/Release/net10.0/Tally.Bench.Webhooks.dll --dll <Tally.Api.dll> --database-url <postgres://...>
//     [--rounds 3] [--customers 1000] [--intake-events 20000] [--concurrency 32] [--healthz-seconds 5]
var options = BenchOptions.Parse(args);
Console.WriteLine($"webhook bench: {options.Rounds} rounds, {options.Customers} customers, {options.IntakeEvents} intake events, concurrency {options.Concurrency}");

await using var stripe = await StripeAccountFixture.StartAsync(options.Customers);
var realEvents = await stripe.EventsAsync();
Console.WriteLine($"emulator: {realEvents.Count} events from {options.Customers} customers with subscriptions ({string.Join(", ", realEvents.GroupBy(e => e.Type).OrderByDescending(g => g.Count()).Take(6).Select(g => $"{g.Key} {g.Count()}"))})");

if (args.Contains("--probe"))
{
    var subs = realEvents.Where(e => e.Type == "customer.subscription.created").Select(e => System.Text.Json.JsonDocument.Parse(e.Json).RootElement.GetProperty("data").GetProperty("object").GetProperty("id").GetString()!).ToList();
    var probe = Stopwatch.StartNew();
    foreach (var id in subs) await stripe.Client.V1.Subscriptions.GetAsync(id);
    Console.WriteLine(F($"probe: {subs.Count} sequential GET subscription in {probe.Elapsed.TotalMilliseconds:F0} ms"));
    probe.Restart();
    await Parallel.ForEachAsync(subs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) => await stripe.Client.V1.Subscriptions.GetAsync(id, cancellationToken: ct));
    Console.WriteLine(F($"probe: {subs.Count} parallel(8) GET subscription in {probe.Elapsed.TotalMilliseconds:F0} ms"));
    var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    var signed = realEvents.Select(e => (e.Json, Sig: Stripe.EventUtility.GenerateSignatureHeader(e.Json, "whsec_x", t))).ToList();
    for (var round = 0; round < 3; round++)
    {
        probe.Restart();
        foreach (var (json, sig) in signed) Stripe.EventUtility.ConstructEvent(json, sig, "whsec_x", 300, true);
        Console.WriteLine(F($"probe: {signed.Count} ConstructEvent in {probe.Elapsed.TotalMilliseconds:F0} ms"));
        probe.Restart();
        foreach (var (json, sig) in signed) Stripe.EventUtility.ValidateSignature(json, sig, "whsec_x", 300);
        Console.WriteLine(F($"probe: {signed.Count} ValidateSignature in {probe.Elapsed.TotalMilliseconds:F0} ms"));
    }
    var subObjects = realEvents.Where(e => e.Type.StartsWith("customer.subscription.", StringComparison.Ordinal))
        .Select(e => System.Text.Json.JsonDocument.Parse(e.Json).RootElement.GetProperty("data").GetProperty("object").GetRawText()).ToList();
    var subEvents = realEvents.Where(e => e.Type.StartsWith("customer.subscription.", StringComparison.Ordinal)).Select(e => e.Json).ToList();
    for (var round = 0; round < 3; round++)
    {
        probe.Restart();
        foreach (var json in subEvents) Stripe.EventUtility.ParseEvent(json, false);
        Console.WriteLine(F($"probe: {subEvents.Count} ParseEvent (subscription events) in {probe.Elapsed.TotalMilliseconds:F0} ms"));
        probe.Restart();
        foreach (var json in subObjects) Stripe.StripeEntity.FromJson<Stripe.Subscription>(json);
        Console.WriteLine(F($"probe: {subObjects.Count} FromJson<Subscription> of data.object in {probe.Elapsed.TotalMilliseconds:F0} ms"));
    }

    return 0;
}

var intake = new List<double>();
var health = new List<double>();
var processing = new List<double>();
var baseline = new List<double>();
for (var round = 1; round <= options.Rounds; round++)
{
    // (a) intake: processor off, so only verify + store is measured; unique copies of real event bodies.
    await using (var tally = await TallyProcess.StartAsync(options, options.DatabaseUrl, stripe, processorEnabled: false))
    {
        var load = new Load(tally.BaseUrl, options.Concurrency);
        await load.PostEventsAsync(EventCopies.Make(realEvents, Math.Min(2000, options.IntakeEvents), $"w{round}"), StripeAccountFixture.WebhookSecret); // warm-up
        var h = await load.HealthzAsync(TimeSpan.FromSeconds(options.HealthzSeconds));
        var copies = EventCopies.Make(realEvents, options.IntakeEvents, $"r{round}");
        var sw = Stopwatch.StartNew();
        var ok = await load.PostEventsAsync(copies, StripeAccountFixture.WebhookSecret);
        sw.Stop();
        var rate = ok / sw.Elapsed.TotalSeconds;
        intake.Add(rate);
        health.Add(h);
        Console.WriteLine(F($"round {round}: intake {rate:F0} events/s ({ok} stored in {sw.Elapsed.TotalSeconds:F2} s), /healthz {h:F0} req/s"));

    }

    // (b) processing: a fresh database receives the real events once each (processor off), then a
    // Tally with its processor on drains them, re-fetching every object from the emulator. With a
    // baseline build, it drains a copy too, in alternating order, for a same-run ratio.
    var builds = options.BaselineDll is null ? [("", options)] : new[] { ("", options), ("baseline ", options with { Dll = options.BaselineDll }) };
    foreach (var (label, build) in round % 2 == 0 ? builds.Reverse() : builds)
    {
        var processDb = options.ProcessDatabaseUrlPrefix + (round + (label.Length > 0 ? 10 : 0)).ToString(CultureInfo.InvariantCulture);
        var rate = await ProcessAsync(build, processDb, label, round);
        if (rate is null)
        {
            return 1;
        }

        (label.Length > 0 ? baseline : processing).Add(rate.Value);
    }
}

Console.WriteLine();
Console.WriteLine(F($"median intake:     {Median(intake):F0} events/s (target >= 5,000)"));
Console.WriteLine(F($"median /healthz:   {Median(health):F0} req/s (same runs, same client and concurrency)"));
Console.WriteLine(F($"median processing: {Median(processing):F0} events/s (target >= 1,000)"));
if (baseline.Count > 0)
{
    Console.WriteLine(F($"median baseline processing: {Median(baseline):F0} events/s; ratio {Median(processing) / Median(baseline):F2}"));
}

return 0;

// Drains the real events, stored once each in a fresh database, with the processor of `build`; null when it failed or the mirror is wrong.
async Task<double?> ProcessAsync(BenchOptions build, string processDb, string label, int round)
{
    await using (var tally = await TallyProcess.StartAsync(build, processDb, stripe, processorEnabled: false))
    {
        await new Load(tally.BaseUrl, build.Concurrency).PostEventsAsync(realEvents, StripeAccountFixture.WebhookSecret);
    }

    await using (var tally = await TallyProcess.StartAsync(build, processDb, stripe, processorEnabled: true))
    {
        var sw = Stopwatch.StartNew();
        await tally.WaitUntilNoPendingAsync();
        sw.Stop();
        var failed = await tally.CountAsync("failed");
        var rate = realEvents.Count / sw.Elapsed.TotalSeconds;
        var problems = await MirrorCheck.ProblemsAsync(processDb, build.Customers);
        Console.WriteLine(F($"round {round}: {label}processing {rate:F0} events/s ({realEvents.Count} events in {sw.Elapsed.TotalSeconds:F2} s, {failed} failed in total); mirror {(problems.Count == 0 ? "matches the emulator" : "WRONG: " + string.Join("; ", problems))}"));
        return failed > 0 || problems.Count > 0 ? null : rate;
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
