namespace Tally.StripeEmulator.Tests.Support;

/// <summary>A clock the test moves by hand (the emulator's "now").</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
