namespace Tally.Api.Features.Demo;

/// <summary><c>serve --demo</c>: seeds in the background once the server runs, so webhooks flow into the mirror live.</summary>
internal sealed class DemoOnStart(IServiceProvider services, ILogger<DemoOnStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            var summary = await DemoRegistration.SeedOnceAsync(services, new DemoPlan(), stoppingToken);
            Console.WriteLine(summary is null
                ? "Demo: this database already holds the demo data."
                : $"Demo: {summary.Customers} customers, {summary.Subscriptions} subscriptions over 12 emulated months (test clock {summary.TestClockId}).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Seeding the demo data failed");
        }
    }
}
