using System.Net;
using System.Net.Sockets;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Infrastructure.Cli;

internal static class HostingSetup
{
    public const string DefaultUrl = "http://localhost:8000";

    /// <summary>
    /// The content root is the application's folder (so appsettings.json is found wherever Tally is
    /// started from); the working directory still holds ./tally.db and ./.env.
    /// </summary>
    public static WebApplicationOptions Options(CliCommand command) =>
        command.HostArgs.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            ? new WebApplicationOptions { Args = command.HostArgs }
            : new WebApplicationOptions { Args = command.HostArgs, ContentRootPath = AppContext.BaseDirectory };

    public static void AddTallyHosting(this WebApplicationBuilder builder, CliCommand command)
    {
        if (command.Has("no-migrate"))
        {
            builder.Configuration["TALLY_AUTO_MIGRATE"] = "false";
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        else
        {
            CheckUrls(builder.Configuration["urls"]);
        }
    }

    /// <summary>
    /// Fails with Kestrel's own "address already in use" message when a listening address is taken, before
    /// the host starts (whose failure would come with a stack trace). Another process can still take the
    /// port in between; then Kestrel reports it as before.
    /// </summary>
    public static void CheckAddressesFree(IConfiguration configuration)
    {
        var urls = configuration["urls"] ?? DefaultUrl;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            if (address.IsUnixPipe || address.Port == 0)
            {
                continue;
            }

            var ip = address.Host is "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(address.Host.Trim('[', ']'), out var parsed) ? parsed
                : IPAddress.Any;
            try
            {
                using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(ip, address.Port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new IOException($"Failed to bind to address {url}: address already in use.", ex);
            }
            catch (SocketException)
            {
                // Anything else (a privileged port, an address this machine lacks): Kestrel reports it when it binds.
            }
        }
    }

    /// <summary>Each of <c>--urls</c> (or <c>ASPNETCORE_URLS</c>) must be an address Kestrel can listen on (port 0: any free port).</summary>
    private static void CheckUrls(string? urls)
    {
        var problems = new ConfigurationProblems();
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                var address = BindingAddress.Parse(url);
                if (address.Scheme is not ("http" or "https") || (address.Port is < 0 or > 65535 && !address.IsUnixPipe))
                {
                    problems.Add("--urls", $"'{url}' is not an http:// or https:// address with a port (e.g. http://127.0.0.1:8000).");
                }
            }
            catch (FormatException)
            {
                problems.Add("--urls", $"'{url}' is not an address to listen on (e.g. http://127.0.0.1:8000).");
            }
        }

        problems.ThrowIfAny();
    }
}
