using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Users;

public sealed class AdminUsersTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task ChangeRole_UpdatesUser_AndWritesAuditRow()
    {
        var (admin, adminId) = await factory.ClientWithRoleAsync("admin");
        var (_, targetId) = await factory.ClientWithRoleAsync("viewer");

        var response = await admin.PutAsync($"/api/admin/users/{targetId}/role", Json("""{"role":"editor"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("editor", body.GetProperty("role").GetString());
        var audit = await factory.WithDbAsync(db => db.Set<AuditLogEntry>().SingleAsync(a => a.TargetId == targetId.ToString(), Ct));
        Assert.Equal(adminId, audit.ActorUserId);
        Assert.Equal("user.role_changed", audit.Action);
        Assert.Equal("viewer", audit.OldValue);
        Assert.Equal("editor", audit.NewValue);
        Assert.Equal(Tally.Api.Infrastructure.Auth.Role.Editor, await factory.WithDbAsync(db => db.Set<User>().Where(u => u.Id == targetId).Select(u => u.Role).SingleAsync(Ct)));
    }

    [Fact]
    public async Task ChangeRole_TakesEffectOnTheUsersNextRequest()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var (viewer, viewerId) = await factory.ClientWithRoleAsync("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/admin/users", Ct)).StatusCode);

        (await admin.PutAsync($"/api/admin/users/{viewerId}/role", Json("""{"role":"admin"}"""), Ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/admin/users", Ct)).StatusCode);

        (await admin.PutAsync($"/api/admin/users/{viewerId}/role", Json("""{"role":"viewer"}"""), Ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/admin/users", Ct)).StatusCode);
    }

    [Fact]
    public async Task LastAdmin_CannotBeDemoted()
    {
        await using var lonely = new TallyFactory();
        await lonely.InitializeAsync();
        var (admin, adminId) = await lonely.ClientWithRoleAsync("admin");

        var response = await admin.PutAsync($"/api/admin/users/{adminId}/role", Json("""{"role":"viewer"}"""), Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "last_admin");
        Assert.Equal(Tally.Api.Infrastructure.Auth.Role.Admin, await lonely.WithDbAsync(db => db.Set<User>().Where(u => u.Id == adminId).Select(u => u.Role).SingleAsync(Ct)));
        Assert.Equal(0, await lonely.WithDbAsync(db => db.Set<AuditLogEntry>().CountAsync(Ct)));

        var (_, secondId) = await lonely.ClientWithRoleAsync("admin");
        var demoted = await admin.PutAsync($"/api/admin/users/{adminId}/role", Json("""{"role":"viewer"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        var last = await admin.PutAsync($"/api/admin/users/{secondId}/role", Json("""{"role":"viewer"}"""), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, last.StatusCode);
    }

    [Theory]
    [InlineData("""{"role":"owner"}""", "role")]
    [InlineData("""{}""", "role")]
    [InlineData("""{"role":42}""", "role")]
    public async Task ChangeRole_WithBadBody_Is400NamingTheField(string body, string field)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var (_, targetId) = await factory.ClientWithRoleAsync("viewer");

        var response = await admin.PutAsync($"/api/admin/users/{targetId}/role", Json(body), Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(Tally.Api.Infrastructure.Auth.Role.Viewer, await factory.WithDbAsync(db => db.Set<User>().Where(u => u.Id == targetId).Select(u => u.Role).SingleAsync(Ct)));
    }

    [Fact]
    public async Task ChangeRole_WithWrongContentType_Is415()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var response = await admin.PutAsync("/api/admin/users/1/role", new StringContent("role=editor", Encoding.UTF8, "text/plain"), Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task ChangeRole_WithMalformedJson_Is400()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var response = await admin.PutAsync("/api/admin/users/1/role", Json("""{"role":"""), Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task ListUsers_PagesThroughEveryUserOnce()
    {
        await using var isolated = new TallyFactory();
        await isolated.InitializeAsync();
        var (admin, _) = await isolated.ClientWithRoleAsync("admin");
        for (var i = 0; i < 24; i++)
        {
            await isolated.ClientWithRoleAsync("viewer");
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users?limit=10{(cursor is null ? "" : "&cursor=" + cursor)}", TallyFactory.Json, Ct);
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("next_cursor").GetString();
            Assert.Equal(cursor is not null, page.GetProperty("has_more").GetBoolean());
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(25, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task ListUsers_FiltersByRole()
    {
        var (admin, adminId) = await factory.ClientWithRoleAsync("admin");

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?role=admin&limit=100", TallyFactory.Json, Ct);

        var data = page.GetProperty("data").EnumerateArray().ToList();
        Assert.Contains(data, u => u.GetProperty("id").GetInt64() == adminId);
        Assert.All(data, u => Assert.Equal("admin", u.GetProperty("role").GetString()));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("role=superuser", "role")]
    public async Task ListUsers_WithBadQuery_Is400NamingTheParameter(string query, string field)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var response = await admin.GetAsync("/api/admin/users?" + query, Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }
}
