namespace Tally.Api.Features.Demo;

/// <summary>
/// <c>serve --demo</c>: seeds in the background once the server runs, so webhooks flow into the mirror
/// live. Prints a line per month and what it made; a failure names its step, and the service keeps
/// running with whatever was created.
/// </summary>
internal sealed class DemoOnStart(IServiceProvider services, TimeProvider clock, ILogger<DemoOnStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            var started = clock.GetTimestamp();
            var summary = await DemoRegistration.SeedOnceAsync(services, new DemoPlan(), new DemoProgress(Console.WriteLine), ct: stoppingToken);
            Console.WriteLine(summary is null
                ? "Demo: this database already holds the demo data."
                : $"Demo: seeded in {clock.GetElapsedTime(started).TotalSeconds:0.0} s: {summary}.");
        }
        catch (DemoSeedingException ex)
        {
            logger.LogError(ex.InnerException, "Seeding the demo data failed while {DemoStep}", ex.Step);
            Console.WriteLine(DemoRegistration.FailureText(ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Seeding the demo data failed");
        }
    }
}
