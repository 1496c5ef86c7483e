using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Billing.Metering;

namespace Tally.StripeEmulator.Billing.Api;

/// <summary>Billing's part of the core snapshot: the typed state, including compact meter aggregates and the dedup set.</summary>
internal static class BillingSnapshot
{
    private static readonly JsonSerializerOptions Options = new()
    {
        IncludeFields = true,
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record State(
        List<Meter> Meters,
        List<TestClock> Clocks,
        List<Subscription> Subscriptions,
        List<Invoice> Invoices,
        BillingCounters Counters,
        MeterUsageSnapshot Usage,
        List<InvoiceItem>? InvoiceItems = null);

    public static JsonNode? Save(BillingEngine engine)
    {
        lock (engine.Gate)
        {
            var state = new State(
                [.. engine.Meters.Values], [.. engine.Clocks.Values], [.. engine.Subscriptions.Values], [.. engine.Invoices.Values],
                engine.ExportCounters(), engine.Usage.Export(), [.. engine.InvoiceItems.Values]);
            return JsonSerializer.SerializeToNode(state, Options);
        }
    }

    public static void Load(BillingEngine engine, JsonNode node)
    {
        var state = node.Deserialize<State>(Options) ?? throw new InvalidDataException("billing snapshot is empty");
        lock (engine.Gate)
        {
            engine.Meters.Clear();
            engine.MetersByEvent.Clear();
            foreach (var m in state.Meters)
            {
                engine.Meters[m.Id] = m;
                if (m.Status == "active")
                {
                    engine.MetersByEvent[m.EventName] = m;
                }
            }
            engine.Clocks.Clear();
            foreach (var c in state.Clocks)
            {
                engine.Clocks[c.Id] = c;
                engine.Host.SetClock(c.Id, c.FrozenTime);
            }
            engine.Subscriptions.Clear();
            foreach (var s in state.Subscriptions)
            {
                engine.Subscriptions[s.Id] = s;
            }

            engine.Invoices.Clear();
            foreach (var i in state.Invoices)
            {
                engine.Invoices[i.Id] = i;
            }

            engine.InvoiceItems.Clear();
            foreach (var ii in state.InvoiceItems ?? [])
            {
                engine.InvoiceItems[ii.Id] = ii;
            }

            engine.ImportCounters(state.Counters);
            engine.Usage.Import(state.Usage);
        }
    }
}
