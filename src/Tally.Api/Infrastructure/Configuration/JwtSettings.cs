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
        return new JwtSettings(ReadOrCreateKey(keyPath, problems), null, issuer ?? DefaultIssuer, audience ?? DefaultAudience, adminEmails, keyPath);
    }

    /// <summary>
    /// The key kept beside the database: created once, mode 600 (<c>CreateNew</c>, so two processes starting
    /// at once end with one key); an existing key readable by group or others is refused.
    /// </summary>
    private static byte[]? ReadOrCreateKey(string path, ConfigurationProblems problems)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (!File.Exists(path) && OwnerOnly.TryCreateFile(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))))
            {
                continue; // read back what was written, like any other start
            }

            if (OwnerOnly.IsShared(path))
            {
                problems.Add(SigningKeyVariable, $"the generated key {path} is readable by group or others: chmod 600 it (or delete it to make a new one).");
                return null;
            }

            var text = File.ReadAllText(path).Trim();
            if (text.Length > 0 && Convert.FromBase64String(text) is { Length: >= MinimumKeyBytes } existing)
            {
                return existing;
            }

            Thread.Sleep(20); // another process created the file a moment ago and is still writing it
        }

        problems.Add(SigningKeyVariable, $"the generated key {path} is not a valid key: delete it to make a new one.");
        return null;
    }
}
