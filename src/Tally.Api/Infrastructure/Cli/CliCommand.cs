namespace Tally.Api.Infrastructure.Cli;

/// <summary>
/// The verb and its options. Everything the verb does not know (<c>--urls</c>, <c>--environment</c>, ...)
/// goes to the host's configuration.
/// </summary>
internal sealed record CliCommand(CliVerb? Definition, IReadOnlyDictionary<string, string?> Options, string[] HostArgs)
{
    public string Verb => Definition?.Name ?? "help";

    public bool IsHelp => Definition is null;

    /// <summary>The verb calls Stripe (and so starts the embedded emulator when no key is set).</summary>
    public bool TalksToStripe => Definition?.TalksToStripe == true;

    public static string Usage(IReadOnlyList<CliVerb> verbs) => $"""
        Tally: self-hosted billing for SaaS products on Stripe.

        Usage: tally [verb] [options]

        Verbs:
        {string.Join(Environment.NewLine, verbs.Select(v => $"  {v.Synopsis,-36}  {v.Description.ReplaceLineEndings(Environment.NewLine + new string(' ', 40))}"))}
          --help                                show this text

        Configuration comes from environment variables and ./.env (see README.md).
        """;

    /// <summary>Parses the arguments against <paramref name="verbs"/>; no verb means <c>serve</c>.</summary>
    /// <exception cref="CliUsageException">An unknown verb, or an option without its value.</exception>
    public static CliCommand Parse(string[] args, IReadOnlyList<CliVerb> verbs)
    {
        var rest = new List<string>(args);
        var name = CoreVerbs.Serve.Name;
        if (rest.Count > 0 && rest[0] is "--help" or "-h" or "help")
        {
            return new CliCommand(null, new Dictionary<string, string?>(), []);
        }

        if (rest.Count > 0 && !rest[0].StartsWith('-'))
        {
            name = rest[0];
            rest.RemoveAt(0);
            if (verbs.Any(v => v.Name.StartsWith(name + " ", StringComparison.Ordinal)) && rest.Count > 0 && !rest[0].StartsWith('-'))
            {
                name = name + " " + rest[0];
                rest.RemoveAt(0);
            }
        }

        var verb = verbs.FirstOrDefault(v => v.Name == name) ?? throw UnknownVerb(name, verbs);
        var options = new Dictionary<string, string?>();
        var hostArgs = new List<string>();
        for (var i = 0; i < rest.Count; i++)
        {
            var arg = rest[i];
            if (arg is "--help" or "-h")
            {
                return new CliCommand(null, options, []);
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new CliUsageException($"Unexpected argument '{arg}' for '{verb.Name}' (see --help).");
            }

            var (option, inlineValue) = arg[2..].Split('=', 2) is [var n, var v] ? (n, v) : (arg[2..], null);
            var hostOption = HostOptions.FirstOrDefault(h => h.Equals(option, StringComparison.OrdinalIgnoreCase));
            if (verb.Flags.Contains(option))
            {
                options[option] = inlineValue ?? "true";
                continue;
            }

            if (hostOption is null && !verb.Options.Contains(option))
            {
                // --Section:Key=value sets a configuration value (as the host's command line does; the test
                // host passes its settings this way); any other unknown option is a mistake worth saying.
                if (inlineValue is not null)
                {
                    hostArgs.Add(arg);
                    continue;
                }

                throw new CliUsageException($"Unknown option '--{option}' for '{verb.Name}' (see --help).");
            }

            var value = inlineValue ?? (i + 1 < rest.Count && !rest[i + 1].StartsWith("--", StringComparison.Ordinal) ? rest[++i] : null);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new CliUsageException($"--{option} needs a value.");
            }

            if (hostOption is not null)
            {
                hostArgs.Add($"--{hostOption}={value}");
            }
            else
            {
                // Checked here, before anything is created: every verb's --email is one address.
                options[option] = option == "email" ? Email(option, value) : value;
            }
        }

        return new CliCommand(verb, options, [.. hostArgs]);
    }

    /// <summary>Options for the host itself, passed on to its configuration.</summary>
    private static readonly string[] HostOptions = ["urls", "environment", "contentRoot"];

    /// <summary>An unknown verb; for a verb group (<c>users</c>) the message lists its verbs.</summary>
    private static CliUsageException UnknownVerb(string name, IReadOnlyList<CliVerb> verbs)
    {
        var group = verbs.Where(v => v.Name.StartsWith(name + " ", StringComparison.Ordinal)).ToList();
        return group.Count == 0
            ? new CliUsageException($"Unknown verb '{name}'.")
            : new CliUsageException($"'{name}' needs one of its verbs:{Environment.NewLine}{string.Join(Environment.NewLine, group.Select(v => $"  {v.Synopsis}"))}");
    }

    public string Required(string option) =>
        Options.TryGetValue(option, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new CliUsageException($"'{Verb}' needs --{option}.");

    /// <summary>A required option holding one email address, lower-cased.</summary>
    public string RequiredEmail(string option) => Email(option, Required(option));

    private static string Email(string option, string value)
    {
        value = value.Trim();
        return System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Length > 0
            ? value.ToLowerInvariant()
            : throw new CliUsageException($"--{option} '{value}' is not an email address.");
    }

    public string? Optional(string option) => Options.TryGetValue(option, out var value) ? value : null;

    public bool Has(string flag) => Options.ContainsKey(flag);
}
