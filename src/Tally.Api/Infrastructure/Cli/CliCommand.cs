namespace Tally.Api.Infrastructure.Cli;

/// <summary>
/// The verb and its options. Everything the verb does not know (<c>--urls</c>, <c>--environment</c>, ...)
/// goes to the host's configuration.
/// </summary>
internal sealed record CliCommand(string Verb, IReadOnlyDictionary<string, string?> Options, string[] HostArgs)
{
    public const string Usage = """
        Tally: self-hosted billing for SaaS products on Stripe.

        Usage: tally [verb] [options]

        Verbs:
          serve [--no-migrate] [--demo] [--urls URL]
                                                run the service (the default verb); applies migrations first;
                                                --demo fills the embedded Stripe emulator with 12 months of demo data
          seed-demo                             fill the Stripe test account with demo data, then exit
          migrate                               apply database migrations and exit
          token --email E [--sub S] [--ttl 1h]  print a bearer token signed with the configured key
          users set-role --email E --role R     set a user's role (viewer, editor, admin); creates the user if unknown
          stripe sync                           backfill the mirror from Stripe (products, prices, customers, subscriptions, invoices)
          --help                                show this text

        Configuration comes from environment variables and ./.env (see README.md).
        """;

    private static readonly Dictionary<string, string[]> KnownOptions = new()
    {
        ["serve"] = ["no-migrate", "demo"],
        ["seed-demo"] = [],
        ["migrate"] = [],
        ["token"] = ["email", "sub", "ttl", "name"],
        ["users set-role"] = ["email", "role"],
        ["stripe sync"] = [],
    };

    private static readonly HashSet<string> Flags = ["no-migrate", "demo"];

    public bool IsHelp => Verb == "help";

    /// <summary>Verbs that call Stripe (and so start the embedded emulator when no key is set).</summary>
    public bool TalksToStripe => Verb is "serve" or "stripe sync" or "seed-demo";

    public static CliCommand Parse(string[] args)
    {
        var rest = new List<string>(args);
        var verb = "serve";
        if (rest.Count > 0 && rest[0] is "--help" or "-h" or "help")
        {
            return new CliCommand("help", new Dictionary<string, string?>(), []);
        }

        if (rest.Count > 0 && !rest[0].StartsWith('-'))
        {
            verb = rest[0];
            rest.RemoveAt(0);
            if (verb is "users" or "stripe" && rest.Count > 0 && !rest[0].StartsWith('-'))
            {
                verb = verb + " " + rest[0];
                rest.RemoveAt(0);
            }
        }

        if (!KnownOptions.TryGetValue(verb, out var known))
        {
            throw new CliUsageException($"Unknown verb '{verb}'.");
        }

        var options = new Dictionary<string, string?>();
        var hostArgs = new List<string>();
        for (var i = 0; i < rest.Count; i++)
        {
            var arg = rest[i];
            if (arg is "--help" or "-h")
            {
                return new CliCommand("help", options, []);
            }

            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..].Split('=', 2)[0] : null;
            if (name is null || !known.Contains(name))
            {
                hostArgs.Add(arg);
                continue;
            }

            if (Flags.Contains(name))
            {
                options[name] = "true";
            }
            else if (arg.Contains('='))
            {
                options[name] = arg.Split('=', 2)[1];
            }
            else if (i + 1 < rest.Count)
            {
                options[name] = rest[++i];
            }
            else
            {
                throw new CliUsageException($"--{name} needs a value.");
            }
        }

        return new CliCommand(verb, options, [.. hostArgs]);
    }

    public string Required(string option) =>
        Options.TryGetValue(option, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new CliUsageException($"'{Verb}' needs --{option}.");

    public string? Optional(string option) => Options.TryGetValue(option, out var value) ? value : null;
}

internal sealed class CliUsageException(string message) : Exception(message);
