using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tally.StripeEmulator.Billing;
using Tally.StripeEmulator.Catalog;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator;

/// <summary>
/// A stateful Stripe API emulator on a loopback port. Point Stripe.net at it with
/// <c>new StripeClient(new StripeClientOptions { ApiKey = "sk_test_...", ApiBase = server.ApiBase, FilesBase = server.ApiBase, MeterEventsBase = server.ApiBase, ConnectBase = server.ApiBase })</c>.
/// </summary>
public sealed class StripeEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Persistence? persistence;
    private int disposed;

    private StripeEmulatorServer(WebApplication app, Emulator emulator, Persistence? persistence, Uri baseUrl)
    {
        this.app = app;
        Emulator = emulator;
        this.persistence = persistence;
        BaseUrl = baseUrl;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The base URL without a trailing slash, as Stripe.net's <c>ApiBase</c>/<c>FilesBase</c>/<c>MeterEventsBase</c> expect.</summary>
    public string ApiBase => BaseUrl.GetLeftPart(UriPartial.Authority);

    public EmulatorControl Control => Emulator.Control;

    /// <summary>The startup webhook endpoint's signing secret (generated when the options left it null).</summary>
    public string? WebhookSecret => Emulator.Options.WebhookSecret;

    internal Emulator Emulator { get; }

    public static async Task<StripeEmulatorServer> StartAsync(StripeEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var emulator = new Emulator(options);
        emulator.AddModule(new EventsModule());
        emulator.AddModule(new CatalogModule());
        emulator.AddModule(new BillingModule());

        Persistence? persistence = null;
        if (options.StatePath is { } path)
        {
            persistence = new Persistence(emulator, path);
            persistence.Load();
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(StripeEmulatorServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            var address = options.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            k.Listen(address, options.Port);
        });
        if (!options.HandleShutdownSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        }

        var app = builder.Build();
        var pipeline = new Pipeline(emulator);
        app.Run(pipeline.HandleAsync);
        await app.StartAsync(cancellationToken);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        var host = options.Host.Contains(':') ? $"[{options.Host}]" : options.Host;
        emulator.Webhooks.Start();
        persistence?.Start();
        return new StripeEmulatorServer(app, emulator, persistence, new Uri($"http://{host}:{port}/"));
    }

    /// <summary>Completes when the host is asked to stop (Ctrl-C or SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Writes the snapshot now (when <see cref="StripeEmulatorOptions.StatePath"/> is set).</summary>
    public Task SaveAsync(CancellationToken cancellationToken = default) =>
        persistence?.SaveAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync();
        await Emulator.Webhooks.DisposeAsync();
        if (persistence is not null)
        {
            await persistence.DisposeAsync();
        }

        await app.DisposeAsync();
    }
}

/// <summary>No console signal handling: an embedded emulator stops when its owner disposes it.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
