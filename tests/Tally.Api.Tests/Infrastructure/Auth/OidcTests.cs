using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Auth;

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

    public string Issue(string subject, string email, string audience, RSA? signWith = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("email", email)]),
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

public sealed class OidcTallyFactory : TallyFactory
{
    public const string Audience = "tally-api";

    public FakeIdentityProvider? Idp { get; private set; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TALLY_JWT_AUTHORITY"] = Idp!.Authority,
        ["TALLY_JWT_AUDIENCE"] = Audience,
    };

    public override async ValueTask InitializeAsync()
    {
        Idp = await FakeIdentityProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }
    }
}

public sealed class OidcTests(OidcTallyFactory factory) : IClassFixture<OidcTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenFromTheAuthority_IsAccepted_AndProvisionsAUser()
    {
        var token = factory.Idp!.Issue("oidc|alice", "alice@example.com", OidcTallyFactory.Audience);

        var me = await factory.ClientFor(token).GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);

        Assert.Equal("alice@example.com", me.GetProperty("email").GetString());
        Assert.Equal("viewer", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task TokenSignedByAnotherKey_IsRefused()
    {
        using var other = RSA.Create(2048);
        var token = factory.Idp!.Issue("oidc|mallory", "mallory@example.com", OidcTallyFactory.Audience, other);

        var response = await factory.ClientFor(token).GetAsync("/api/me", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task SharedKeyToken_IsRefused_InOidcMode()
    {
        var response = await factory.ClientFor(TestTokens.For("hs256-user", "h@example.com", audience: OidcTallyFactory.Audience)).GetAsync("/api/me", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenForAnotherAudience_IsRefused()
    {
        var token = factory.Idp!.Issue("oidc|bob", "bob@example.com", "another-api");

        var response = await factory.ClientFor(token).GetAsync("/api/me", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }
}
