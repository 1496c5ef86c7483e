using System.Diagnostics;
using System.Globalization;

namespace Tally.Bench.Webhooks;

/// <summary>
/// <c>--probe x</c>: where the time of one event goes, outside Tally: re-fetches from the emulator,
/// signature checks with and without Stripe.net's typed parse, and Stripe.net's event parsing.
/// </summary>
internal static class Probe
{
    public static async Task RunAsync(StripeAccountFixture stripe, List<RawEvent> realEvents)
    {
        var subs = realEvents.Where(e => e.Type == "customer.subscription.created").Select(e => System.Text.Json.JsonDocument.Parse(e.Json).RootElement.GetProperty("data").GetProperty("object").GetProperty("id").GetString()!).ToList();
        var probe = Stopwatch.StartNew();
        foreach (var id in subs)
        {
            await stripe.Client.V1.Subscriptions.GetAsync(id);
        }

        Console.WriteLine(F($"probe: {subs.Count} sequential GET subscription in {probe.Elapsed.TotalMilliseconds:F0} ms"));
        probe.Restart();
        await Parallel.ForEachAsync(subs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) => await stripe.Client.V1.Subscriptions.GetAsync(id, cancellationToken: ct));
        Console.WriteLine(F($"probe: {subs.Count} parallel(8) GET subscription in {probe.Elapsed.TotalMilliseconds:F0} ms"));
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = realEvents.Select(e => (e.Json, Sig: Stripe.EventUtility.GenerateSignatureHeader(e.Json, "whsec_x", t))).ToList();
        for (var round = 0; round < 3; round++)
        {
            probe.Restart();
            foreach (var (json, sig) in signed)
            {
                Stripe.EventUtility.ConstructEvent(json, sig, "whsec_x", 300, true);
            }

            Console.WriteLine(F($"probe: {signed.Count} ConstructEvent in {probe.Elapsed.TotalMilliseconds:F0} ms"));
            probe.Restart();
            foreach (var (json, sig) in signed)
            {
                Stripe.EventUtility.ValidateSignature(json, sig, "whsec_x", 300);
            }

            Console.WriteLine(F($"probe: {signed.Count} ValidateSignature in {probe.Elapsed.TotalMilliseconds:F0} ms"));
        }
        var subObjects = realEvents.Where(e => e.Type.StartsWith("customer.subscription.", StringComparison.Ordinal))
            .Select(e => System.Text.Json.JsonDocument.Parse(e.Json).RootElement.GetProperty("data").GetProperty("object").GetRawText()).ToList();
        var subEvents = realEvents.Where(e => e.Type.StartsWith("customer.subscription.", StringComparison.Ordinal)).Select(e => e.Json).ToList();
        for (var round = 0; round < 3; round++)
        {
            probe.Restart();
            foreach (var json in subEvents)
            {
                Stripe.EventUtility.ParseEvent(json, false);
            }

            Console.WriteLine(F($"probe: {subEvents.Count} ParseEvent (subscription events) in {probe.Elapsed.TotalMilliseconds:F0} ms"));
            probe.Restart();
            foreach (var json in subObjects)
            {
                Stripe.StripeEntity.FromJson<Stripe.Subscription>(json);
            }

            Console.WriteLine(F($"probe: {subObjects.Count} FromJson<Subscription> of data.object in {probe.Elapsed.TotalMilliseconds:F0} ms"));
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
