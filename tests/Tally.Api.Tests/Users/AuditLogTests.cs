using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Users;

/// <summary><c>GET /api/admin/audit</c>: role changes made through the API and the CLI, newest first, with who did them.</summary>
public sealed class AuditLogTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Role(string role) => new($$"""{"role":"{{role}}"}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task RoleChangesThroughTheApi_AppearNewestFirst_WithActorAndOldAndNewValues()
    {
        var (admin, adminId) = await factory.ClientWithRoleAsync("admin", "audit-admin");
        var (_, targetId) = await factory.ClientWithRoleAsync("viewer");
        (await admin.PutAsync($"/api/admin/users/{targetId}/role", Role("editor"), Ct)).EnsureSuccessStatusCode();
        (await admin.PutAsync($"/api/admin/users/{targetId}/role", Role("admin"), Ct)).EnsureSuccessStatusCode();

        var body = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?target_type=user&target_id={targetId}", TallyFactory.Json, Ct);

        var rows = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["editor", "viewer"], rows.Select(r => r.GetProperty("old_value").GetString()));
        Assert.Equal(["admin", "editor"], rows.Select(r => r.GetProperty("new_value").GetString()));
        Assert.All(rows, r =>
        {
            Assert.Equal("user.role_changed", r.GetProperty("action").GetString());
            Assert.Equal("user", r.GetProperty("target_type").GetString());
            Assert.Equal(targetId.ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetProperty("target_id").GetString());
            Assert.Equal(adminId, r.GetProperty("actor").GetProperty("user_id").GetInt64());
            Assert.Equal("audit-admin@example.com", r.GetProperty("actor").GetProperty("email").GetString());
        });
        Assert.True(rows[0].GetProperty("id").GetInt64() > rows[1].GetProperty("id").GetInt64());
        Assert.True(rows[0].GetProperty("at").GetDateTimeOffset() >= rows[1].GetProperty("at").GetDateTimeOffset());
        Assert.False(body.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task Audit_IsPaged_AndRefusesBadInput()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var (_, targetId) = await factory.ClientWithRoleAsync("viewer");
        (await admin.PutAsync($"/api/admin/users/{targetId}/role", Role("editor"), Ct)).EnsureSuccessStatusCode();
        (await admin.PutAsync($"/api/admin/users/{targetId}/role", Role("viewer"), Ct)).EnsureSuccessStatusCode();

        var first = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?limit=1", TallyFactory.Json, Ct);
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?limit=1&cursor={cursor}", TallyFactory.Json, Ct);

        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.True(second.GetProperty("data")[0].GetProperty("id").GetInt64() < first.GetProperty("data")[0].GetProperty("id").GetInt64());
        var usersCursor = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?limit=1", TallyFactory.Json, Ct)).GetProperty("next_cursor").GetString();
        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=101", "limit"), ($"cursor={usersCursor}", "cursor"), ("target_id=5", "target_type") })
        {
            var problem = await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/admin/audit?{query}", Ct), HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task SetRoleVerb_WritesAnAuditEntry_ShownByTheApi()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var directory = Directory.CreateTempSubdirectory("tally-audit-").FullName;
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = factory.DatabaseUrl, ["TALLY_JWT_SIGNING_KEY"] = TestTokens.SigningKey, ["TALLY_STRIPE_EMULATOR"] = "true",
        };

        var run = await TallyProcess.RunAsync(directory, env, "users", "set-role", "--email", "cli-audit@example.com", "--role", "editor");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?q=CLI-AUDIT@", TallyFactory.Json, Ct);
        var user = Assert.Single(users.GetProperty("data").EnumerateArray());
        Assert.Equal("cli-audit@example.com", user.GetProperty("email").GetString());
        var id = user.GetProperty("id").GetInt64();
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?target_type=user&target_id={id}", TallyFactory.Json, Ct);
        var entry = Assert.Single(audit.GetProperty("data").EnumerateArray());
        Assert.Equal("cli", entry.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("actor").GetProperty("user_id").ValueKind);
        Assert.Equal("viewer", entry.GetProperty("old_value").GetString());
        Assert.Equal("editor", entry.GetProperty("new_value").GetString());
    }

    [Fact]
    public async Task Users_SearchByEmail_MatchesAnyPartIgnoringCase()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var (_, alice) = await factory.ClientWithRoleAsync("viewer", "alice-search");
        await factory.ClientWithRoleAsync("viewer", "bob-search");

        var found = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?q=ALICE-S", TallyFactory.Json, Ct);
        var both = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?q=-search@&limit=1", TallyFactory.Json, Ct);

        Assert.Equal([alice], found.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("id").GetInt64()));
        Assert.True(both.GetProperty("has_more").GetBoolean());
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/api/admin/users?q=%20", Ct), HttpStatusCode.BadRequest, "validation_failed");
    }
}
