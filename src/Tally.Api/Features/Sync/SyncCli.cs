namespace Tally.Api.Features.Sync;

/// <summary>The <c>stripe sync</c> verb: runs the start-up steps it needs (migrations, the embedded emulator), not the server.</summary>
internal static class SyncCli
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        // Only the lifecycle "starting" steps: schema, emulator, catalogue. The web server and the
        // background workers (IHostedService.StartAsync) do not run for a one-off verb.
        var steps = app.Services.GetServices<IHostedService>().OfType<IHostedLifecycleService>().ToList();
        foreach (var step in steps)
        {
            await step.StartingAsync(CancellationToken.None);
        }

        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<StripeSync>().RunAsync(CancellationToken.None);
            Console.WriteLine("kind           seen  created  changed");
            foreach (var (kind, counts) in new[]
            {
                ("products", result.Products), ("prices", result.Prices), ("customers", result.Customers),
                ("subscriptions", result.Subscriptions), ("invoices", result.Invoices),
            })
            {
                Console.WriteLine($"{kind,-13} {counts.Seen,5} {counts.Created,8} {counts.Changed,8}");
            }

            return 0;
        }
        finally
        {
            foreach (var step in steps)
            {
                await step.StoppedAsync(CancellationToken.None);
            }
        }
    }
}
