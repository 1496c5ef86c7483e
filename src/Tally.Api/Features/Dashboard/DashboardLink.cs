using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Tally.Api.Infrastructure.Auth;

namespace Tally.Api.Features.Dashboard;

/// <summary>
/// Emulator mode only: prints a one-time dashboard sign-in link when <c>serve</c> has started, the way
/// Jupyter prints its token URL. Written to the console on purpose, never to the log.
/// </summary>
internal sealed class DashboardLink(SignInCodes codes, IServer server) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:8000";
        address = address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        Console.WriteLine($"""

              Dashboard (emulator mode; one-time link, valid {SignInCodes.Lifetime.TotalMinutes:0} minutes, signs in an admin):
                {address}/dashboard/signin?code={codes.Issue()}

            """);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
