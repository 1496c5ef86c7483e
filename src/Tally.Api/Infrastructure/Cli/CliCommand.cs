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

        var verb = verbs.FirstOrDefault(v => v.Name == name) ?? throw new CliUsageException($"Unknown verb '{name}'.");
        var options = new Dictionary<string, string?>();
        var hostArgs = new List<string>();
        for (var i = 0; i < rest.Count; i++)
        {
            var arg = rest[i];
            if (arg is "--help" or "-h")
            {
                return new CliCommand(null, options, []);
            }

            var option = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..].Split('=', 2)[0] : null;
            if (option is not null && verb.Flags.Contains(option))
            {
                options[option] = "true";
            }
            else if (option is null || !verb.Options.Contains(option))
            {
                hostArgs.Add(arg);
            }
            else if (arg.Contains('='))
            {
                options[option] = arg.Split('=', 2)[1];
            }
            else if (i + 1 < rest.Count)
            {
                options[option] = rest[++i];
            }
            else
            {
                throw new CliUsageException($"--{option} needs a value.");
            }
        }

        return new CliCommand(verb, options, [.. hostArgs]);
    }

    public string Required(string option) =>
        Options.TryGetValue(option, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new CliUsageException($"'{Verb}' needs --{option}.");

    public string? Optional(string option) => Options.TryGetValue(option, out var value) ? value : null;

    public bool Has(string flag) => Options.ContainsKey(flag);
}
