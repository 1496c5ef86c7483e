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
internal sealed class EmbeddedEmulator(StripeAccount account, IServiceScopeFactory scopes) : IHostedLifecycleService, IAsyncDisposable
{
    private StripeEmulatorServer? server;
    private FileStream? stateLock;

    private string Directory => Path.GetDirectoryName(account.EmulatorStatePath)!;

    /// <summary>
    /// Takes the state for this process alone and checks it belongs to the database; <c>serve</c> calls it
    /// before the host starts so that a refusal is a message. Idempotent.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">Another process holds the state, or the database goes with other state.</exception>
    public async Task ClaimStateAsync(CancellationToken cancellationToken)
    {
        if (stateLock is not null)
        {
            return;
        }

        OwnerOnly.CreateDirectory(Directory);
        try
        {
            // An exclusive lock (flock) held while this process lives; the kernel drops it if the process dies.
            stateLock = new FileStream(Path.Combine(Directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new InvalidConfigurationException([
                $"STRIPE_SECRET_KEY (unset: embedded emulator): its state in {Directory} is in use by another Tally process (a running 'serve'?). " +
                "Only one process may own it: stop that process first, or ask the running server (e.g. POST /api/admin/stripe/sync instead of 'stripe sync').",
            ]);
        }

        await CheckStateBelongsToDatabaseAsync(cancellationToken);
    }

    /// <summary>
    /// The database remembers which emulator state it was used with (ids of products, prices, customers
    /// live there): a start with other or empty state would answer 404s and 502s, so it stops instead.
    /// </summary>
    private async Task CheckStateBelongsToDatabaseAsync(CancellationToken cancellationToken)
    {
        var idPath = Path.Combine(Directory, "state-id");
        if (!File.Exists(idPath))
        {
            OwnerOnly.TryCreateFile(idPath, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        }

        var here = $"{(await File.ReadAllTextAsync(idPath, cancellationToken)).Trim()} {Directory}";
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.TallyDbContext>();
        var remembered = await db.EnsureStripeSettingAsync(StripeSetting.EmulatorState, () => here, cancellationToken);
        if (remembered.Split(' ', 2)[0] != here.Split(' ', 2)[0])
        {
            var where = remembered.Split(' ', 2) is [_, var dir] ? dir : "another directory";
            throw new InvalidConfigurationException([
                $"DATABASE_URL: this database was used with the embedded Stripe emulator state in {where}, but this start would use {Directory}, " +
                "which holds other (or no) state. Start Tally where that state is (with PostgreSQL it is ./tally.stripe in the working " +
                "directory), or use a new database with this state.",
            ]);
        }
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await ClaimStateAsync(cancellationToken);
        var directory = Directory;
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

        if (stateLock is not null)
        {
            await stateLock.DisposeAsync();
            stateLock = null;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
