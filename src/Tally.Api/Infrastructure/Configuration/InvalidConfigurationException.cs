namespace Tally.Api.Infrastructure.Configuration;

/// <summary>A configuration value Tally cannot start with. The message names every offending variable.</summary>
internal sealed class InvalidConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Collects configuration problems so that one start-up reports all of them at once.</summary>
internal sealed class ConfigurationProblems
{
    private readonly List<string> problems = [];

    public void Add(string variable, string message) => problems.Add($"{variable}: {message}");

    public void ThrowIfAny()
    {
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems);
        }
    }
}
