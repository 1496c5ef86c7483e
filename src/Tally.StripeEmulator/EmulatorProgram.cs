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
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--port":
                    options.Port = int.Parse(Next(), CultureInfo.InvariantCulture);
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
        await using var server = await StripeEmulatorServer.StartAsync(options);
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
