using System.Runtime.CompilerServices;

namespace Tally.StripeEmulator.Tests.Support;

/// <summary>
/// Keeps the shell's Tally and Stripe configuration out of the tests (the same rule as in
/// Tally.Api.Tests): every TALLY_*, STRIPE_*, Webhooks__*, DATABASE_URL, REDIS_URL and ASPNETCORE_URLS
/// is removed before any test runs, except the harness's own TALLY_TEST_* variables.
/// </summary>
internal static class HermeticEnvironment
{
    private static readonly string[] Prefixes = ["TALLY_", "STRIPE_", "Webhooks__"];

    private static readonly string[] Names = ["DATABASE_URL", "REDIS_URL", "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTP_PORTS"];

    public static bool IsTallySetting(string name) =>
        !name.StartsWith("TALLY_TEST_", StringComparison.OrdinalIgnoreCase)
        && (Prefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || Names.Contains(name, StringComparer.OrdinalIgnoreCase));

    [ModuleInitializer]
    internal static void Initialize()
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(IsTallySetting).ToList())
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
