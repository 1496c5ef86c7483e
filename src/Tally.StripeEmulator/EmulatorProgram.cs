using System.Globalization;

namespace Tally.StripeEmulator;

/// <summary>
/// Standalone: <c>dotnet run --project src/Tally.StripeEmulator -- --port 12111 [--host 127.0.0.1] [--state file]
/// [--webhook-url U --webhook-secret whsec_...]</c>. Prints the base URL on the first line, runs until Ctrl-C.
/// </summary>
public static class EmulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = new StripeEmulatorOptions { Port = 12111, HandleShutdownSignals = true };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => args[++i];
            if (args[i] is "--port" or "--host" or "--state" or "--webhook-url" or "--webhook-secret" && i + 1 >= args.Length)
            {
                await Console.Error.WriteLineAsync($"{args[i]} needs a value");
                return 2;
            }

            switch (args[i])
            {
                case "--port":
                    var port = Next();
                    if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 0 or > 65535)
                    {
                        await Console.Error.WriteLineAsync($"--port '{port}' is not a port number (0-65535; 0 picks a free one)");
                        return 2;
                    }

                    options.Port = number;
                    break;
                case "--host":
                    options.Host = Next();
                    break;
                case "--state":
                    options.StatePath = Next();
                    break;
                case "--webhook-url":
                    options.WebhookUrl = Next();
                    break;
                case "--webhook-secret":
                    options.WebhookSecret = Next();
                    break;
                case "--deliver-twice":
                    options.DeliverTwice = true;
                    break;
                case "--shuffle-delivery":
                    options.ShuffleDelivery = true;
                    break;
                case "--verbose":
                    options.RequestLog = Console.Out;
                    break;
                case "--help" or "-h":
                    Console.WriteLine("usage: Tally.StripeEmulator [--port 12111] [--host 127.0.0.1] [--state FILE] [--webhook-url URL --webhook-secret whsec_...] [--deliver-twice] [--shuffle-delivery] [--verbose]");
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"unknown argument: {args[i]}");
                    return 2;
            }
        }

        // The host's console lifetime turns Ctrl-C and SIGTERM into a shutdown; wait for it.
        StripeEmulatorServer server;
        try
        {
            server = await StripeEmulatorServer.StartAsync(options);
        }
        catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"Cannot listen on {options.Host}:{options.Port}: the address is already in use; choose another with --port.");
            return 3;
        }

        await using var running = server;
        Console.WriteLine(server.ApiBase);
        if (options.WebhookUrl is not null)
        {
            Console.WriteLine($"webhooks -> {options.WebhookUrl} (secret {server.WebhookSecret})");
        }

        Console.Out.Flush();
        await server.WaitForShutdownAsync();
        return 0;
    }
}
