using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Infrastructure.Auth;

/// <summary>Signs HS256 bearer tokens with the configured key (the <c>token</c> verb, the embedded admin token).</summary>
internal sealed class TokenIssuer(JwtSettings jwt, TimeProvider clock)
{
    public bool CanIssue => jwt.SigningKey is not null;

    public string Issue(string subject, string? email, TimeSpan lifetime, string? fullName = null)
    {
        if (jwt.SigningKey is null)
        {
            throw new InvalidOperationException(
                $"Tokens can only be issued with a shared key ({JwtSettings.SigningKeyVariable}); with {JwtSettings.AuthorityVariable} your identity provider issues them.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(TallyClaims.Subject, subject) };
        if (email is not null)
        {
            claims.Add(new Claim(TallyClaims.Email, email));
        }

        if (fullName is not null)
        {
            claims.Add(new Claim(TallyClaims.Name, fullName));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(jwt.SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
