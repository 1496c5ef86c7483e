using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tally.Api.Tests.Support;

/// <summary>Mints real HS256 JWTs, good and deliberately bad, independently of Tally's own issuer.</summary>
public static class TestTokens
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hs256!";
    public const string Issuer = "tally";
    public const string Audience = "tally";
    public const string AdminEmail = "root@example.com";

    public static string For(string subject, string? email = null, string? key = null, string audience = Audience,
        string issuer = Issuer, DateTime? expires = null, string? name = null, IDictionary<string, object>? extra = null)
    {
        var claims = new List<Claim>();
        if (subject.Length > 0)
        {
            claims.Add(new Claim("sub", subject));
        }

        if (email is not null)
        {
            claims.Add(new Claim("email", email));
        }

        if (name is not null)
        {
            claims.Add(new Claim("name", name));
        }

        var exp = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = exp.AddHours(-2),
            NotBefore = exp.AddHours(-2),
            Expires = exp,
            Claims = extra,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
