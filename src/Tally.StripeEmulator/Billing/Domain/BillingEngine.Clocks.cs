using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Billing.Domain;

internal sealed partial class BillingEngine
{
    public TestClock CreateClock(long? frozenTime, string? name)
    {
        if (frozenTime is not { } t)
        {
            throw BillingException.Missing("frozen_time");
        }

        var clock = new TestClock { Id = Host.NewId("clock"), Name = name, FrozenTime = t, Created = Host.RealNow.ToUnixTimeSeconds() };
        Clocks[clock.Id] = clock;
        Host.SetClock(clock.Id, t);
        Emit("test_helpers.test_clock.created", Json.Clock(clock), null, t);
        return clock;
    }

    public TestClock GetClock(string id) =>
        Clocks.TryGetValue(id, out var c) && !c.Deleted ? c : throw BillingException.NoSuch("test_clock", id);

    public TestClock DeleteClock(string id)
    {
        lock (gate)
        {
            var clock = GetClock(id);
            clock.Deleted = true;
            Clocks.TryRemove(id, out _);
            Emit("test_helpers.test_clock.deleted", Json.Clock(clock), null, clock.FrozenTime);
            Host.RemoveClock(id);
            foreach (var sub in Subscriptions.Values.Where(s => s.TestClockId == id && s.IsLive).ToList())
            {
                sub.Status = "canceled";
                sub.CanceledAt ??= clock.FrozenTime;
                sub.EndedAt = clock.FrozenTime;
            }
            return clock;
        }
    }

    /// <summary>
    /// Walks the clock forward through every due moment in order (trial ends, renewals with their
    /// invoices, payment retries, scheduled cancellations, coupon expiries). The work is done before
    /// this returns; the returned JSON says "advancing" as Stripe's does, and the clock reads
    /// "ready" from then on, so both pollers and non-pollers see a settled state.
    /// </summary>
    public JsonObject AdvanceClock(string id, long? frozenTime)
    {
        if (frozenTime is not { } target)
        {
            throw BillingException.Missing("frozen_time");
        }

        lock (gate)
        {
            var clock = GetClock(id);
            if (target <= clock.FrozenTime)
            {
                throw BillingException.Invalid("frozen_time", "The frozen_time must be after the test clock's current frozen_time.");
            }

            clock.Status = "advancing";
            var response = Json.Clock(clock);
            response["frozen_time"] = target;
            Emit("test_helpers.test_clock.advancing", response, null, clock.FrozenTime);
            try
            {
                RunDue(clock.Id, target, clock);
                SetClockTime(clock, target);
            }
            finally
            {
                clock.Status = "ready";
            }
            Emit("test_helpers.test_clock.ready", Json.Clock(clock), null, target);
            return response;
        }
    }

    private void SetClockTime(TestClock clock, long time)
    {
        clock.FrozenTime = time;
        Host.SetClock(clock.Id, time);
    }

    public List<TestClock> ListClocks() =>
        [.. Clocks.Values.Where(c => !c.Deleted).OrderByDescending(c => c.Created).ThenByDescending(c => c.Id, StringComparer.Ordinal)];
}
