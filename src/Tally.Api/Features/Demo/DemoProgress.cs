using System.Globalization;

namespace Tally.Api.Features.Demo;

/// <summary>What <see cref="DemoSeeder"/> made.</summary>
internal sealed record DemoSummary(
    int Customers, int Subscriptions, int Upgrades, int Cancellations, int FailingCards, int UsageReports, int MeterEvents, string? TestClockId,
    DateTime? From = null, DateTime? To = null)
{
    public override string ToString() =>
        $"{Customers} customers ({FailingCards} with failing cards), {Subscriptions} subscriptions, {Upgrades} upgrades, {Cancellations} cancellations, " +
        $"{UsageReports} usage reports through the usage pipeline, each on Stripe before its month's invoice" +
        (TestClockId is null ? "" : $", on test clock {TestClockId}") +
        (From is { } from && To is { } to ? $" from {Day(from)} to {Day(to)}" : "");

    private static string Day(DateTime t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// The seeding as it goes: counts of what exists so far and the step under way, so that a failure
/// names its step and says what it leaves behind. <see cref="Print"/> receives a line per month.
/// </summary>
internal sealed class DemoProgress(Action<string>? print = null)
{
    private readonly Lock gate = new();

    public string Step { get; set; } = "starting";

    public int Customers { get; set; }

    public int Subscriptions { get; set; }

    public int Upgrades { get; set; }

    public int Cancellations { get; set; }

    public int FailingCards { get; set; }

    public int UsageReports { get; set; }

    public int MeterEvents { get; set; }

    public string? TestClockId { get; set; }

    public DateTime? From { get; set; }

    public DateTime? To { get; set; }

    public void Print(string line) => print?.Invoke(line);

    /// <summary>Counts what was made (sign-ups run at once).</summary>
    public void Add(int customers = 0, int subscriptions = 0, int upgrades = 0, int cancellations = 0, int failingCards = 0)
    {
        lock (gate)
        {
            (Customers, Subscriptions, Upgrades) = (Customers + customers, Subscriptions + subscriptions, Upgrades + upgrades);
            (Cancellations, FailingCards) = (Cancellations + cancellations, FailingCards + failingCards);
        }
    }

    public DemoSummary ToSummary() =>
        new(Customers, Subscriptions, Upgrades, Cancellations, FailingCards, UsageReports, MeterEvents, TestClockId, From, To);
}

/// <summary>Seeding stopped at <see cref="Step"/>; <see cref="SoFar"/> is what had been created (and stays).</summary>
internal sealed class DemoSeedingException(string step, DemoSummary soFar, Exception inner)
    : Exception($"Seeding the demo data failed while {step}.", inner)
{
    public string Step { get; } = step;

    public DemoSummary SoFar { get; } = soFar;
}
