namespace Tally.Bench.Webhooks;

/// <summary>The Tally processes of one phase, stopped together.</summary>
internal sealed class ProcessSet : IAsyncDisposable
{
    private readonly List<TallyProcess> processes = [];

    public TallyProcess this[int index] => processes[index];

    public async Task<TallyProcess> StartAsync(BenchOptions options, string databaseUrl, StripeAccountFixture stripe, bool processorEnabled)
    {
        var tally = await TallyProcess.StartAsync(options, databaseUrl, stripe, processorEnabled);
        processes.Add(tally);
        return tally;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var tally in processes)
        {
            await tally.DisposeAsync();
        }
    }
}
