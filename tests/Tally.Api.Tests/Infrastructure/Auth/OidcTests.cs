using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Auth;

/// <summary>Tokens from an OpenID Connect authority (TALLY_JWT_AUTHORITY) instead of a shared signing key.</summary>
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

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public async Task UnverifiedEmail_InTheAdminList_GrantsNeitherTheEmailNorAdmin(bool? verified)
    {
        var token = factory.Idp!.Issue($"oidc|squatter-{Guid.NewGuid():N}", TestTokens.AdminEmail, OidcTallyFactory.Audience, emailVerified: verified);

        var me = await factory.ClientFor(token).GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);

        Assert.Equal("viewer", me.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("email").ValueKind);
    }

    [Fact]
    public async Task UnverifiedEmail_DoesNotTakeOverAUserCreatedByEmail_AVerifiedOneDoes()
    {
        var email = $"pre-{Guid.NewGuid():N}@example.com";
        var preCreated = await factory.WithDbAsync(async db =>
        {
            var user = new User { Email = email, Role = Role.Editor, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            db.Add(user);
            await db.SaveChangesAsync(Ct);
            return user.Id;
        });

        var squatter = await factory.ClientFor(factory.Idp!.Issue("oidc|squatter-" + email, email, OidcTallyFactory.Audience, emailVerified: false))
            .GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);
        var owner = await factory.ClientFor(factory.Idp!.Issue("oidc|owner-" + email, email, OidcTallyFactory.Audience, emailVerified: true))
            .GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);

        Assert.NotEqual(preCreated, squatter.GetProperty("id").GetInt64());
        Assert.Equal("viewer", squatter.GetProperty("role").GetString());
        Assert.Equal(preCreated, owner.GetProperty("id").GetInt64());
        Assert.Equal("editor", owner.GetProperty("role").GetString());
    }
}
