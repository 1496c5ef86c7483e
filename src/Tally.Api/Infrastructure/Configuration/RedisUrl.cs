namespace Tally.Api.Infrastructure.Configuration;

/// <summary><c>REDIS_URL</c> (<c>redis://[:password@]host[:port][/db]</c>, or <c>rediss://</c> for TLS) → a StackExchange.Redis configuration string.</summary>
internal static class RedisUrl
{
    public const string Variable = "REDIS_URL";

    public static string? Parse(string? url, ConfigurationProblems problems)
    {
        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || string.IsNullOrEmpty(uri.Host))
        {
            problems.Add(Variable, "expected redis://[:password@]host[:port][/db] or rediss://...");
            return null;
        }

        var parts = new List<string> { $"{uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)}" };
        var password = uri.UserInfo.Split(':', 2) is [_, var p] ? p : uri.UserInfo;
        if (password.Length > 0)
        {
            parts.Add("password=" + Uri.UnescapeDataString(password));
        }

        if (int.TryParse(uri.AbsolutePath.Trim('/'), out var db))
        {
            parts.Add($"defaultDatabase={db}");
        }

        if (uri.Scheme == "rediss")
        {
            parts.Add("ssl=true");
        }

        parts.Add("abortConnect=false");
        return string.Join(',', parts);
    }
}
