using System.Security.Cryptography;
using Tally.Api.Infrastructure.Configuration;
using Tally.StripeEmulator;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// Emulator mode: runs the Stripe emulator in-process on a loopback port, its state kept beside the
/// database, its start-up webhook endpoint pointing at Tally's own <c>/api/billing/webhook</c> with a
/// signing secret generated once. Started as a hosted service (not while the app is being built) so
/// that the emulator's own web host is never mistaken for Tally's.
/// </summary>
internal sealed class EmbeddedEmulator(StripeAccount account) : IHostedLifecycleService, IAsyncDisposable
{
    private StripeEmulatorServer? server;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(account.EmulatorStatePath)!;
        OwnerOnly.CreateDirectory(directory);
        var secretPath = Path.Combine(directory, "webhook-secret");
        if (!File.Exists(secretPath))
        {
            OwnerOnly.TryCreateFile(secretPath, "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        }

        var secret = (await File.ReadAllTextAsync(secretPath, cancellationToken)).Trim();
        // The same port as last time when it is free: invoice URLs stored in the mirror stay valid across restarts.
        var portPath = Path.Combine(directory, "port");
        var lastPort = File.Exists(portPath) && int.TryParse(await File.ReadAllTextAsync(portPath, cancellationToken), out var p) ? p : 0;
        server = await StartAsync(lastPort, secret, cancellationToken);
        await File.WriteAllTextAsync(portPath, server.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        account.ApiBase = server.ApiBase;
        account.WebhookSecret = server.WebhookSecret;
    }

    private async Task<StripeEmulatorServer> StartAsync(int port, string secret, CancellationToken cancellationToken)
    {
        var options = new StripeEmulatorOptions { Port = port, StatePath = account.EmulatorStatePath, WebhookUrl = account.WebhookUrl, WebhookSecret = secret };
        try
        {
            return await StripeEmulatorServer.StartAsync(options, cancellationToken);
        }
        catch (IOException) when (port != 0)
        {
            options.Port = 0; // taken by something else now: any free port will do
            return await StripeEmulatorServer.StartAsync(options, cancellationToken);
        }
    }

    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
            server = null;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
