using System.Globalization;

namespace Tally.Bench.Webhooks;

/// <summary>
/// CPU time used over a measured phase by one Tally process and by all PostgreSQL server processes
/// (only one build runs at a time, so the server's share is that build's). CPU per event varies far
/// less than throughput on a shared, noisy machine. Linux only (reads /proc).
/// </summary>
internal sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly TallyProcess tally;
    private readonly TimeSpan tallyStart;
    private readonly double postgresStart;

    private CpuMeter(TallyProcess tally)
    {
        this.tally = tally;
        tallyStart = tally.CpuTime;
        postgresStart = PostgresSeconds();
    }

    public static CpuMeter Start(TallyProcess tally) => new(tally);

    /// <summary>Milliseconds of CPU per 1,000 events since the start: Tally's and PostgreSQL's.</summary>
    public (double Tally, double Postgres) PerThousand(int events) =>
        ((tally.CpuTime - tallyStart).TotalMilliseconds * 1000 / events, (PostgresSeconds() - postgresStart) * 1000 * 1000 / events);

    private static double PostgresSeconds()
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres")
                {
                    continue;
                }

                // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return ticks / TicksPerSecond;
    }
}
