using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tally.Api.Tests.Support;

/// <summary>A minimal OpenID Connect provider on loopback: discovery document and JWKS with one RSA key.</summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly RSA rsa = RSA.Create(2048);

    private FakeIdentityProvider(WebApplication app) => this.app = app;

    public string Authority { get; private set; } = "";

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var idp = new FakeIdentityProvider(builder.Build());
        var key = idp.rsa.ExportParameters(false);
        idp.app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = idp.Authority,
            ["jwks_uri"] = idp.Authority + "/jwks",
        }));
        idp.app.MapGet("/jwks", () => Results.Json(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["kid"] = "test-key", ["use"] = "sig", ["alg"] = "RS256",
                    ["n"] = Base64Url.EncodeToString(key.Modulus), ["e"] = Base64Url.EncodeToString(key.Exponent),
                },
            },
        }));
        await idp.app.StartAsync();
        idp.Authority = idp.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return idp;
    }

    /// <summary>An RS256 token; <paramref name="emailVerified"/> null leaves the <c>email_verified</c> claim out.</summary>
    public string Issue(string subject, string email, string audience, RSA? signWith = null, bool? emailVerified = true) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(emailVerified is { } verified
                ? [new Claim("sub", subject), new Claim("email", email), new Claim("email_verified", verified ? "true" : "false", ClaimValueTypes.Boolean)]
                : [new Claim("sub", subject), new Claim("email", email)]),
            Issuer = Authority,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? rsa) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
        });

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        rsa.Dispose();
    }
}
