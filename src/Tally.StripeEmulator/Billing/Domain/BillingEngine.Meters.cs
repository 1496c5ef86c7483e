using System.Globalization;
using Tally.StripeEmulator.Billing.Metering;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed record MeterEventAccepted(string EventName, string Identifier, IReadOnlyDictionary<string, string> Payload, long Timestamp, long Created);

internal sealed partial class BillingEngine
{
    public const long MaxPastSeconds = 35L * 86400, MaxFutureSeconds = 300;

    public Meter CreateMeter(string? displayName, string? eventName, string? formula, string? customerKey, string? valueKey, string? window)
    {
        if (string.IsNullOrEmpty(displayName))
        {
            throw BillingException.Missing("display_name");
        }

        if (string.IsNullOrEmpty(eventName))
        {
            throw BillingException.Missing("event_name");
        }

        if (string.IsNullOrEmpty(formula))
        {
            throw BillingException.Missing("default_aggregation[formula]");
        }

        if (formula is not ("sum" or "count" or "last"))
        {
            throw BillingException.Invalid("default_aggregation[formula]", $"Invalid default_aggregation[formula]: must be one of sum, count, or last");
        }

        if (window is not (null or "" or "hour" or "day"))
        {
            throw BillingException.Invalid("event_time_window", "Invalid event_time_window: must be one of day or hour");
        }

        lock (gate)
        {
            EnsureEventNameFree(eventName);
            var now = Host.RealNow.ToUnixTimeSeconds();
            var meter = new Meter
            {
                Id = Host.NewId("mtr"),
                DisplayName = displayName,
                EventName = eventName,
                Formula = formula,
                CustomerPayloadKey = string.IsNullOrEmpty(customerKey) ? "stripe_customer_id" : customerKey,
                ValuePayloadKey = string.IsNullOrEmpty(valueKey) ? "value" : valueKey,
                EventTimeWindow = string.IsNullOrEmpty(window) ? null : window,
                Created = now,
                Updated = now,
            };
            Meters[meter.Id] = meter;
            MetersByEvent[eventName] = meter;
            Emit("billing.meter.created", Json.Meter(meter), null, now);
            return meter;
        }
    }

    private void EnsureEventNameFree(string eventName)
    {
        if (MetersByEvent.ContainsKey(eventName))
        {
            throw BillingException.Invalid("event_name", $"An active meter with event_name `{eventName}` already exists.");
        }
    }

    public Meter GetMeter(string id) => Meters.TryGetValue(id, out var m) ? m : throw BillingException.NoSuch("billing.meter", id);

    public Meter UpdateMeter(string id, string? displayName)
    {
        lock (gate)
        {
            var meter = GetMeter(id);
            if (displayName is { Length: > 0 } && displayName != meter.DisplayName)
            {
                var previous = new System.Text.Json.Nodes.JsonObject { ["display_name"] = meter.DisplayName };
                meter.DisplayName = displayName;
                meter.Updated = Host.RealNow.ToUnixTimeSeconds();
                Emit("billing.meter.updated", Json.Meter(meter), previous, meter.Updated);
            }
            return meter;
        }
    }

    public Meter SetMeterActive(string id, bool active)
    {
        lock (gate)
        {
            var meter = GetMeter(id);
            var now = Host.RealNow.ToUnixTimeSeconds();
            if (active && meter.Status == "inactive")
            {
                EnsureEventNameFree(meter.EventName);
                meter.Status = "active";
                meter.DeactivatedAt = null;
                MetersByEvent[meter.EventName] = meter;
                meter.Updated = now;
                Emit("billing.meter.reactivated", Json.Meter(meter), null, now);
            }
            else if (!active && meter.Status == "active")
            {
                meter.Status = "inactive";
                meter.DeactivatedAt = now;
                MetersByEvent.TryRemove(meter.EventName, out _);
                meter.Updated = now;
                Emit("billing.meter.deactivated", Json.Meter(meter), null, now);
            }
            return meter;
        }
    }

    public List<Meter> ListMeters(string? status) =>
        [.. Meters.Values.Where(m => status is null || m.Status == status).OrderByDescending(m => m.Created).ThenByDescending(m => m.Id, StringComparer.Ordinal)];

    /// <summary>The hot path: validate, dedup and add to the aggregates. No billing lock is taken.</summary>
    public MeterEventAccepted RecordMeterEvent(string? eventName, IReadOnlyDictionary<string, string>? payload, string? identifier, long? timestamp)
    {
        if (string.IsNullOrEmpty(eventName))
        {
            throw BillingException.Missing("event_name");
        }

        if (payload is null || payload.Count == 0)
        {
            throw BillingException.Missing("payload");
        }

        if (!MetersByEvent.TryGetValue(eventName, out var meter))
        {
            throw BillingException.Invalid("event_name", $"No active meter was found for event_name `{eventName}`.");
        }

        if (!payload.TryGetValue(meter.CustomerPayloadKey, out var customerId) || customerId.Length == 0)
        {
            throw BillingException.Missing($"payload[{meter.CustomerPayloadKey}]");
        }

        var customer = Host.FindCustomer(customerId);
        if (customer is null || customer.Deleted)
        {
            throw new BillingException(400, $"No such customer: '{customerId}'", $"payload[{meter.CustomerPayloadKey}]", "resource_missing");
        }

        long value = 1;
        if (payload.TryGetValue(meter.ValuePayloadKey, out var raw))
        {
            if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) || raw.TrimStart('-').Length > 15)
            {
                throw BillingException.Invalid($"payload[{meter.ValuePayloadKey}]",
                    $"The value `{raw}` for payload key `{meter.ValuePayloadKey}` must be a whole number with at most 15 digits.");
            }
        }
        else if (meter.Formula != "count")
        {
            throw BillingException.Missing($"payload[{meter.ValuePayloadKey}]");
        }
        var now = customer.TestClockId is { } clockId && Clocks.TryGetValue(clockId, out var clock)
            ? clock.FrozenTime
            : Host.RealNow.ToUnixTimeSeconds();
        var ts = timestamp ?? now;
        if (ts < now - MaxPastSeconds || ts > now + MaxFutureSeconds)
        {
            throw BillingException.Invalid("timestamp",
                "The timestamp must be within the past 35 calendar days and no more than 5 minutes in the future.");
        }

        if (identifier is { Length: > 100 })
        {
            throw BillingException.Invalid("identifier", "The identifier must be at most 100 characters long.");
        }

        var id = string.IsNullOrEmpty(identifier) ? Guid.NewGuid().ToString("N") : identifier;
        if (Usage.TryRecord(meter.Id, customerId, id, ts, value) == RecordOutcome.Duplicate)
        {
            throw new BillingException(400, $"An event already exists with identifier {id}.", "identifier") { ShouldRetry = false };
        }

        return new MeterEventAccepted(eventName, id, payload, ts, now);
    }

    public Meter CancelMeterEvent(string? eventName, string? type, string? identifier)
    {
        if (string.IsNullOrEmpty(eventName))
        {
            throw BillingException.Missing("event_name");
        }

        if (string.IsNullOrEmpty(type))
        {
            throw BillingException.Missing("type");
        }

        if (type != "cancel")
        {
            throw BillingException.Invalid("type", "Invalid type: must be cancel");
        }

        if (string.IsNullOrEmpty(identifier))
        {
            throw BillingException.Missing("cancel[identifier]");
        }

        if (!MetersByEvent.TryGetValue(eventName, out var meter))
        {
            throw BillingException.Invalid("event_name", $"No active meter was found for event_name `{eventName}`.");
        }

        return Usage.Cancel(meter.Id, identifier) switch
        {
            CancelOutcome.Cancelled => meter,
            CancelOutcome.AlreadyCancelled => throw BillingException.Invalid("cancel[identifier]", $"The event with identifier {identifier} has already been cancelled."),
            _ => throw BillingException.Invalid("cancel[identifier]", $"No event was found with identifier {identifier} within the last 24 hours."),
        };
    }
}
