using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Users;

public sealed class ProvisioningTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstRequest_OfUnknownSubject_ProvisionsViewer()
    {
        var subject = $"new-{Guid.NewGuid():N}";
        var client = factory.ClientFor(TestTokens.For(subject, $"{subject}@Example.com", name: "Ada Lovelace"));

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);

        Assert.Equal("viewer", me.GetProperty("role").GetString());
        Assert.Equal($"{subject}@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", me.GetProperty("full_name").GetString());
        var stored = await factory.WithDbAsync(db => db.Set<User>().SingleAsync(u => u.Subject == subject, Ct));
        Assert.Equal(me.GetProperty("id").GetInt64(), stored.Id);
        Assert.Equal(Tally.Api.Infrastructure.Auth.Role.Viewer, stored.Role);
    }

    [Fact]
    public async Task FirstRequest_WithAdminEmail_ProvisionsAdmin()
    {
        var client = factory.ClientFor(TestTokens.For("root-subject", TestTokens.AdminEmail));

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);

        Assert.Equal("admin", me.GetProperty("role").GetString());
        var admins = await client.GetAsync("/api/admin/users", Ct);
        Assert.Equal(HttpStatusCode.OK, admins.StatusCode);
    }

    [Fact]
    public async Task ConcurrentFirstRequests_ProvisionOneUser()
    {
        var subject = $"race-{Guid.NewGuid():N}";
        var token = TestTokens.For(subject, $"{subject}@example.com");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => factory.ClientFor(token).GetAsync("/api/me", Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<User>().CountAsync(u => u.Subject == subject, Ct)));
    }

    [Fact]
    public async Task Token_WithoutSubject_IsUnauthorized_AndStoresNothing()
    {
        var before = await factory.WithDbAsync(db => db.Set<User>().CountAsync(Ct));

        var response = await factory.ClientFor(TestTokens.For("", "nosub@example.com")).GetAsync("/api/me", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal(before, await factory.WithDbAsync(db => db.Set<User>().CountAsync(Ct)));
    }

    [Fact]
    public async Task RoleClaimInToken_IsIgnored_DatabaseRoleIsTheTruth()
    {
        var subject = $"forger-{Guid.NewGuid():N}";
        var token = TestTokens.For(subject, $"{subject}@example.com",
            extra: new Dictionary<string, object> { ["tally:role"] = "admin", ["role"] = "admin" });

        var response = await factory.ClientFor(token).GetAsync("/api/admin/users", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task ExpiredToken_SaysSo()
    {
        var response = await factory.ClientFor(TestTokens.For("late", expires: DateTime.UtcNow.AddMinutes(-10))).GetAsync("/api/me", Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "token_expired");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task UserKnownByEmailOnly_IsLinkedOnFirstSignIn_KeepingItsRole()
    {
        var email = $"pre-{Guid.NewGuid():N}@example.com";
        await factory.WithDbAsync(async db =>
        {
            db.Set<User>().Add(new Features.Users.User { Email = email, Role = Tally.Api.Infrastructure.Auth.Role.Editor, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Ct);
        });

        var me = await factory.ClientFor(TestTokens.For("linked-" + email, email)).GetFromJsonAsync<JsonElement>("/api/me", TallyFactory.Json, Ct);

        Assert.Equal("editor", me.GetProperty("role").GetString());
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<User>().CountAsync(u => u.Email == email, Ct)));
    }

    [Fact]
    public async Task EmailOfAnotherSubject_IsRefused()
    {
        var email = $"taken-{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientFor(TestTokens.For("first-" + email, email)).GetAsync("/api/me", Ct)).StatusCode);

        var response = await factory.ClientFor(TestTokens.For("second-" + email, email)).GetAsync("/api/me", Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        // The answer never says whether an email is registered (the reason goes to the log).
        Assert.Equal("The bearer token is not valid.", problem.GetProperty("detail").GetString());
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<User>().CountAsync(u => u.Email == email, Ct)));
    }
}
