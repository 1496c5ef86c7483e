using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Infrastructure.Auth;

internal static class AuthRegistration
{
    public static void AddTallyAuth(this WebApplicationBuilder builder, JwtSettings jwt)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<SignInCodes>();
        builder.Services.AddAuthentication(SessionAuth.SelectorScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.Authority = jwt.Authority;
                o.RequireHttpsMetadata = jwt.Authority is not null && !new Uri(jwt.Authority).IsLoopback;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidIssuer = jwt.Issuer,
                    ValidateAudience = true,
                    ValidAudience = jwt.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = TallyClaims.Subject,
                    RoleClaimType = TallyClaims.RoleType,
                };
                if (jwt.SigningKey is not null)
                {
                    o.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKey);
                    o.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }

                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = c => ProvisionAsync(c, trustsEmail: jwt.Authority is null),
                    OnChallenge = ChallengeAsync,
                    OnForbidden = c => Problems.WriteAsync(c.HttpContext, StatusCodes.Status403Forbidden, "forbidden",
                        "Your role does not allow this action."),
                };
            })
            .AddTallySession();
        builder.Services.AddAuthorization(o => o.AddTallyPolicies());
    }

    /// <summary>
    /// Maps the token to its user. Tokens signed with Tally's own key are trusted as issued
    /// (<paramref name="trustsEmail"/>); an OIDC token's email counts for provisioning, the admin list and
    /// linking only when <c>email_verified</c> is true: otherwise the email claim is dropped altogether.
    /// </summary>
    private static async Task ProvisionAsync(TokenValidatedContext context, bool trustsEmail)
    {
        var principal = context.Principal!;
        var subject = principal.FindFirstValue(TallyClaims.Subject);
        if (string.IsNullOrWhiteSpace(subject))
        {
            context.Fail(new TokenRejectedException("The token has no subject (sub)."));
            return;
        }

        var identity = (ClaimsIdentity)principal.Identity!;
        if (!trustsEmail && !string.Equals(principal.FindFirstValue(TallyClaims.EmailVerified), "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var claim in identity.FindAll(TallyClaims.Email).ToList())
            {
                identity.RemoveClaim(claim);
            }
        }

        var directory = context.HttpContext.RequestServices.GetRequiredService<IUserResolver>();
        var user = await directory.FindOrProvisionAsync(subject, principal.FindFirstValue(TallyClaims.Email),
            principal.FindFirstValue(TallyClaims.Name), context.HttpContext.RequestAborted);
        if (user is null)
        {
            // The reason is logged, never answered: the body must not tell whether an email is registered.
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthRegistration))
                .LogWarning("Token of subject {Subject} refused: its email belongs to another user", subject);
            context.Fail(new TokenRejectedException("The bearer token is not valid."));
            return;
        }

        foreach (var claim in identity.FindAll(c => c.Type is TallyClaims.RoleType or TallyClaims.UserIdType).ToList())
        {
            identity.RemoveClaim(claim);
        }

        context.HttpContext.Items[typeof(KnownUser)] = user;
        identity.AddClaim(new Claim(TallyClaims.UserIdType, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(TallyClaims.RoleType, user.Role.ToName()));
    }

    private static Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (code, detail) = context.AuthenticateFailure switch
        {
            null when context.Request.Headers.Authorization.Count == 0 => ("unauthorized", "A bearer token is required."),
            null => ("invalid_token", "The bearer token is malformed."),
            SecurityTokenExpiredException => ("token_expired", "The bearer token has expired."),
            SecurityTokenInvalidAudienceException => ("invalid_token", "The bearer token is for another audience."),
            SecurityTokenInvalidIssuerException => ("invalid_token", "The bearer token is from another issuer."),
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                ("invalid_token", "The bearer token's signature is not valid."),
            TokenRejectedException rejected => ("invalid_token", rejected.Detail),
            _ => ("invalid_token", "The bearer token is not valid."),
        };
        context.Response.Headers.WWWAuthenticate = code == "unauthorized" ? "Bearer" : "Bearer error=\"invalid_token\"";
        return Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, code, detail);
    }
}

/// <summary>A token Tally itself refuses after validation; <see cref="Detail"/> is written for the caller.</summary>
internal sealed class TokenRejectedException(string detail) : Exception(detail)
{
    public string Detail { get; } = detail;
}
