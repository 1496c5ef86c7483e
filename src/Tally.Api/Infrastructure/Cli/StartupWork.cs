namespace Tally.Api.Infrastructure.Cli;

/// <summary>
/// For verbs that need what <c>serve</c> prepares (migrations, the embedded emulator, the Stripe
/// catalogue) without serving HTTP: runs the hosted services' start-up steps, and their stop steps
/// on dispose (the emulator saves its state then).
/// </summary>
internal sealed class StartupWork(IReadOnlyList<IHostedLifecycleService> services) : IAsyncDisposable
{
    public static async Task<StartupWork> RunAsync(WebApplication app)
    {
        var services = app.Services.GetServices<IHostedService>().OfType<IHostedLifecycleService>().ToList();
        foreach (var service in services)
        {
            await service.StartingAsync(CancellationToken.None);
        }

        return new StartupWork(services);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in services.Reverse())
        {
            await service.StoppedAsync(CancellationToken.None);
        }
    }
}
