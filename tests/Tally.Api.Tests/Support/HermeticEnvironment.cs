using System.Runtime.CompilerServices;

namespace Tally.Api.Tests.Support;

/// <summary>
/// Keeps the shell's configuration out of the tests: Tally reads its settings from environment
/// variables (and ./.env), so a developer's exported <c>TALLY_JWT_ISSUER</c> or <c>STRIPE_SECRET_KEY</c>
/// would otherwise reconfigure every test host. The harness's own <c>TALLY_TEST_*</c> variables stay.
/// </summary>
public static class HermeticEnvironment
{
    private static readonly string[] Prefixes = ["TALLY_", "STRIPE_", "Webhooks__", "OTEL_"];

    private static readonly string[] Names =
        ["DATABASE_URL", "REDIS_URL", "DEFAULT_CURRENCY", "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS"];

    /// <summary>Whether Tally would read <paramref name="name"/> as configuration (the harness's <c>TALLY_TEST_*</c> are not).</summary>
    public static bool IsTallySetting(string name) =>
        !name.StartsWith("TALLY_TEST_", StringComparison.OrdinalIgnoreCase)
        && (Prefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || Names.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>Runs before any test code in this assembly.</summary>
    [ModuleInitializer]
    internal static void Initialize() => RemoveTallySettings();

    /// <summary>Removes every variable <see cref="IsTallySetting"/> names from this process's environment.</summary>
    public static void RemoveTallySettings()
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(IsTallySetting).ToList())
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    /// <summary>The same cleaning for a child process's environment (which starts as a copy of this one's).</summary>
    public static void RemoveTallySettings(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.Where(IsTallySetting).ToList())
        {
            environment.Remove(name);
        }
    }
}
