using Tally.StripeEmulator.Billing.Metering;

namespace Tally.StripeEmulator.Tests.Billing;

public class MeterUsageStoreTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Aggregate_SumCountLast_OverHalfOpenRange()
    {
        var store = new MeterUsageStore(new ManualTime(T0));
        var t = T0.ToUnixTimeSeconds();
        Assert.Equal(RecordOutcome.Recorded, store.TryRecord("mtr_1", "cus_1", "a", t, 5));
        store.TryRecord("mtr_1", "cus_1", "b", t + 10, 7);
        store.TryRecord("mtr_1", "cus_1", "c", t + 60, 3);
        store.TryRecord("mtr_1", "cus_2", "d", t + 10, 100);
        Assert.Equal(15m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Sum, t, t + 61));
        Assert.Equal(12m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Sum, t, t + 60));
        Assert.Equal(3m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Count, t, t + 3600));
        Assert.Equal(3m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Last, t, t + 3600));
        Assert.Equal(7m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Last, t, t + 60));
    }

    [Fact]
    public void DuplicateIdentifier_IsRejectedWithinTheWindow_AndForgottenAfterIt()
    {
        var clock = new ManualTime(T0);
        var store = new MeterUsageStore(clock);
        var t = T0.ToUnixTimeSeconds();
        Assert.Equal(RecordOutcome.Recorded, store.TryRecord("mtr_1", "cus_1", "x", t, 1));
        clock.Now = T0.AddHours(23);
        Assert.Equal(RecordOutcome.Duplicate, store.TryRecord("mtr_1", "cus_1", "x", t, 1));
        clock.Now = T0.AddHours(26);
        Assert.Equal(RecordOutcome.Recorded, store.TryRecord("mtr_1", "cus_1", "x", t + 1, 1));
        Assert.Equal(1, store.DedupCount);
    }

    [Fact]
    public void Cancel_RemovesTheContribution_OnceOnly()
    {
        var store = new MeterUsageStore(new ManualTime(T0));
        var t = T0.ToUnixTimeSeconds();
        store.TryRecord("mtr_1", "cus_1", "a", t, 5);
        store.TryRecord("mtr_1", "cus_1", "b", t, 9);
        Assert.Equal(CancelOutcome.Cancelled, store.Cancel("mtr_1", "b"));
        Assert.Equal(CancelOutcome.AlreadyCancelled, store.Cancel("mtr_1", "b"));
        Assert.Equal(CancelOutcome.NotFound, store.Cancel("mtr_1", "zzz"));
        Assert.Equal(5m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Sum, t, t + 1));
        Assert.Equal(5m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Last, t, t + 1));
        Assert.Equal(1m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Count, t, t + 1));
    }

    [Fact]
    public void Memory_IsPerSecondBucket_NotPerEvent()
    {
        var store = new MeterUsageStore(new ManualTime(T0));
        var t = T0.ToUnixTimeSeconds();
        for (var i = 0; i < 10_000; i++)
        {
            store.TryRecord("mtr_1", "cus_1", $"e{i}", t + (i % 10), 1);
        }

        var snap = store.Export();
        Assert.Equal(10, Assert.Single(snap.Series).Buckets.Count);
        Assert.Equal(10_000m, store.Aggregate("mtr_1", "cus_1", MeterFormula.Sum, t, t + 10));
    }

    [Fact]
    public void ExportImport_RoundTrips()
    {
        var store = new MeterUsageStore(new ManualTime(T0));
        var t = T0.ToUnixTimeSeconds();
        store.TryRecord("mtr_1", "cus_1", "a", t, 5);
        var copy = new MeterUsageStore(new ManualTime(T0));
        copy.Import(store.Export());
        Assert.Equal(5m, copy.Aggregate("mtr_1", "cus_1", MeterFormula.Sum, t, t + 1));
        Assert.Equal(RecordOutcome.Duplicate, copy.TryRecord("mtr_1", "cus_1", "a", t, 5));
    }

    [Theory]
    [InlineData(0, 3600, null, null)]
    [InlineData(30, 3600, null, "start_time")]
    [InlineData(0, 3630, null, "end_time")]
    [InlineData(60, 3600, "hour", "start_time")]
    [InlineData(0, 86400, "day", null)]
    [InlineData(0, 3600, "day", "end_time")]
    [InlineData(3600, 3600, null, "end_time")]
    public void SummaryWindow_Alignment(long start, long end, string? window, string? errorParam)
    {
        var (param, _, _) = SummaryWindow.Validate(start, end, window);
        Assert.Equal(errorParam, param);
    }
}
