using System.Security.Cryptography;
using System.Text;

namespace Tally.Api.Infrastructure.Configuration;

/// <summary>How bearer tokens are validated: a shared HS256 key, or an OIDC authority's JWKS.</summary>
internal sealed record JwtSettings(
    byte[]? SigningKey,
    string? Authority,
    string Issuer,
    string Audience,
    IReadOnlySet<string> AdminEmails,
    string? GeneratedKeyPath)
{
    public const string SigningKeyVariable = "TALLY_JWT_SIGNING_KEY";
    public const string AuthorityVariable = "TALLY_JWT_AUTHORITY";
    public const string AudienceVariable = "TALLY_JWT_AUDIENCE";
    public const string IssuerVariable = "TALLY_JWT_ISSUER";
    public const string AdminEmailsVariable = "TALLY_ADMIN_EMAILS";
    public const string DefaultIssuer = "tally";
    public const string DefaultAudience = "tally";
    public const int MinimumKeyBytes = 32;

    /// <summary>True when Tally made its own key (the embedded, zero-configuration mode).</summary>
    public bool KeyWasGenerated => GeneratedKeyPath is not null;

    public static JwtSettings Load(IConfiguration configuration, DatabaseSettings database, ConfigurationProblems problems)
    {
        var adminEmails = (configuration.NonEmpty(AdminEmailsVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => e.ToLowerInvariant())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var email in adminEmails.Where(e => !e.Contains('@')))
        {
            problems.Add(AdminEmailsVariable, $"'{email}' is not an email address.");
        }

        var issuer = configuration.NonEmpty(IssuerVariable);
        var audience = configuration.NonEmpty(AudienceVariable);
        var authority = configuration.NonEmpty(AuthorityVariable);
        var keyText = configuration[SigningKeyVariable];

        if (authority is not null)
        {
            if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && !uri.IsLoopback))
            {
                problems.Add(AuthorityVariable, "must be an absolute https:// URL of the OpenID Connect issuer.");
            }

            if (audience is null)
            {
                problems.Add(AudienceVariable, $"is required when {AuthorityVariable} is set.");
            }

            return new JwtSettings(null, authority, issuer ?? authority, audience ?? "", adminEmails, null);
        }

        if (keyText is not null)
        {
            var key = Encoding.UTF8.GetBytes(keyText);
            if (key.Length < MinimumKeyBytes)
            {
                problems.Add(SigningKeyVariable, $"must be at least {MinimumKeyBytes} bytes for HS256 (got {key.Length}).");
            }

            return new JwtSettings(key, null, issuer ?? DefaultIssuer, audience ?? DefaultAudience, adminEmails, null);
        }

        if (database.SqlitePath is null)
        {
            problems.Add(SigningKeyVariable, $"is required (or {AuthorityVariable}) when DATABASE_URL names PostgreSQL: " +
                "a generated key is only kept beside an embedded SQLite database.");
            return new JwtSettings(null, null, DefaultIssuer, DefaultAudience, adminEmails, null);
        }

        var keyPath = database.SqlitePath + ".signing-key";
        return new JwtSettings(ReadOrCreateKey(keyPath), null, issuer ?? DefaultIssuer, audience ?? DefaultAudience, adminEmails, keyPath);
    }

    private static byte[] ReadOrCreateKey(string path)
    {
        if (File.Exists(path))
        {
            var existing = Convert.FromBase64String(File.ReadAllText(path).Trim());
            if (existing.Length >= MinimumKeyBytes)
            {
                return existing;
            }
        }

        var key = RandomNumberGenerator.GetBytes(64);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(key));
        }

        return key;
    }
}
