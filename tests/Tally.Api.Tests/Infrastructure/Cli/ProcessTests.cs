using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Cli;

/// <summary>The executable as a user runs it: zero-configuration start, CLI verbs, bad configuration.</summary>
public sealed class ProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string directory = Directory.CreateTempSubdirectory("tally-process-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    [Fact]
    public async Task Serve_WithNoConfiguration_PrintsAWorkingAdminToken_ThatSurvivesARestart()
    {
        string token;
        var (first, url) = await TallyProcess.ServeAsync(directory, null, StartTimeout);
        await using (var tally = first)
        {
            Assert.True(await tally.WaitForOutputAsync("Try: curl", StartTimeout), tally.Stdout + tally.Stderr);
            token = tally.AdminToken;
            Assert.Contains($"{url}/scalar", tally.Stdout);

            var me = await GetMeAsync(url, token);
            Assert.Equal("admin", me.GetProperty("role").GetString());
            Assert.Equal("admin@localhost", me.GetProperty("email").GetString());
        }

        Assert.True(File.Exists(Path.Combine(directory, "tally.db")));
        Assert.True(File.Exists(Path.Combine(directory, "tally.db.signing-key")));

        var (restarted, againUrl) = await TallyProcess.ServeAsync(directory, null, StartTimeout);
        await using (var again = restarted)
        {
            Assert.True(await again.WaitForOutputAsync("Try: curl", StartTimeout), again.Stdout + again.Stderr);
            Assert.Equal("admin", (await GetMeAsync(againUrl, token)).GetProperty("role").GetString());
            // The admin token is printed on the first start only; later starts say how to get one.
            Assert.Equal("", again.AdminToken);
            Assert.Contains("token --email admin@localhost", again.Stdout);
        }
    }

    [Fact]
    public async Task TokenAndSetRoleVerbs_WorkAgainstTheConfiguredDatabase()
    {
        await using var database = await TestDatabase.CreateAsync();
        // The test database may be PostgreSQL, where emulator mode must be asked for.
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = database.Url, ["TALLY_JWT_SIGNING_KEY"] = TestTokens.SigningKey, ["TALLY_STRIPE_EMULATOR"] = "true",
        };

        var migrate = await TallyProcess.RunAsync(directory, env, "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Stderr);
        // A first migration probes for its history table; that expected miss is not logged as a failure.
        Assert.DoesNotContain("fail:", migrate.Stdout + migrate.Stderr);

        var setRole = await TallyProcess.RunAsync(directory, env, "users", "set-role", "--email", "ops@example.com", "--role", "admin");
        Assert.True(setRole.ExitCode == 0, setRole.Stderr);
        Assert.Contains("now admin", setRole.Stdout);

        var issued = await TallyProcess.RunAsync(directory, env, "token", "--email", "ops@example.com", "--ttl", "10m");
        Assert.Equal(0, issued.ExitCode);
        var token = issued.Stdout.Trim();

        var (serving, url) = await TallyProcess.ServeAsync(directory, env, StartTimeout, "serve");
        await using var tally = serving;
        var me = await GetMeAsync(url, token);
        Assert.Equal("admin", me.GetProperty("role").GetString());
        Assert.DoesNotContain("Admin token", tally.Stdout);

        var demoteLast = await TallyProcess.RunAsync(directory, env, "users", "set-role", "--email", "ops@example.com", "--role", "viewer");
        Assert.Equal(1, demoteLast.ExitCode);
        Assert.Contains("last admin", demoteLast.Stderr);
    }

    [Fact]
    public async Task BadConfiguration_StopsTheService_NamingTheVariable()
    {
        var run = await TallyProcess.RunAsync(directory, new Dictionary<string, string> { ["TALLY_JWT_SIGNING_KEY"] = "short" }, "serve");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("TALLY_JWT_SIGNING_KEY", run.Stderr);
        Assert.False(File.Exists(Path.Combine(directory, "tally.db")));
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        var run = await TallyProcess.RunAsync(directory, null, "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var verb in new[] { "serve", "migrate", "token", "users set-role" })
        {
            Assert.Contains(verb, run.Stdout);
        }
    }

    [Fact]
    public async Task UnknownVerb_IsAUsageError()
    {
        var run = await TallyProcess.RunAsync(directory, null, "frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unknown verb 'frobnicate'", run.Stderr);
    }

    private static async Task<JsonElement> GetMeAsync(string url, string token)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await Eventually.ValueAsync(async () =>
        {
            try
            {
                return await http.GetAsync("/api/me", Ct);
            }
            catch (HttpRequestException)
            {
                return null; // the server is still starting
            }
        }, r => r is not null, $"{url} to answer /api/me");

        Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
