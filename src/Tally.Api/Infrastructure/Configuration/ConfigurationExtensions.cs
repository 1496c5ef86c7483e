using Microsoft.Extensions.Configuration.Memory;

namespace Tally.Api.Infrastructure.Configuration;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// Adds <c>./.env</c> with the lowest precedence, so real environment variables and
    /// command-line arguments win over it.
    /// </summary>
    public static void AddDotEnvFile(this IConfigurationBuilder configuration, string path)
    {
        var values = DotEnvFile.Read(path);
        if (values.Count > 0)
        {
            configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
        }
    }

    public static string? NonEmpty(this IConfiguration configuration, string key)
    {
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
