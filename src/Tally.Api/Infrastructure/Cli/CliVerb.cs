namespace Tally.Api.Infrastructure.Cli;

/// <summary>
/// One verb of the command line. Each feature declares its own verbs (e.g. <c>users set-role</c> in
/// Users, <c>stripe sync</c> in Sync) and <c>Program.cs</c> lists them; the core verbs are in <see cref="CoreVerbs"/>.
/// </summary>
/// <param name="Name">One word, or two for a verb group (<c>users set-role</c>).</param>
/// <param name="Synopsis">The verb with its options, for the usage text.</param>
/// <param name="Description">What the verb does, for the usage text.</param>
/// <param name="Options">Options that take a value (<c>--email E</c>).</param>
/// <param name="Flags">Options without a value (<c>--demo</c>).</param>
/// <param name="TalksToStripe">The verb calls Stripe, so the embedded emulator starts when no key is set.</param>
/// <param name="RunAsync">Runs the verb on the built application; returns the exit code.</param>
internal sealed record CliVerb(
    string Name, string Synopsis, string Description, string[] Options, string[] Flags, bool TalksToStripe, Func<WebApplication, CliCommand, Task<int>> RunAsync);

internal sealed class CliUsageException(string message) : Exception(message);
