using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Users;

/// <summary>What the start banner tells about getting an admin token, through the real executable.</summary>
public sealed class LocalAdminBannerTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string directory = Directory.CreateTempSubdirectory("tally-banner-").FullName;

    [Fact]
    public async Task AfterTheLocalAdminIsDemoted_TheBannerNamesAnotherAdmin_NotTheUselessCommand()
    {
        var (first, _) = await TallyProcess.ServeAsync(directory, null, StartTimeout);
        await using (var tally = first)
        {
            Assert.True(await tally.WaitForOutputAsync("Try: curl", StartTimeout), tally.Stdout + tally.Stderr);
            Assert.NotEqual("", tally.AdminToken);
        }

        Assert.Equal(0, (await TallyProcess.RunAsync(directory, null, "users", "set-role", "--email", "ops@example.com", "--role", "admin")).ExitCode);
        Assert.Equal(0, (await TallyProcess.RunAsync(directory, null, "users", "set-role", "--email", "admin@localhost", "--role", "viewer")).ExitCode);

        var (again, _) = await TallyProcess.ServeAsync(directory, null, StartTimeout);
        await using var restarted = again;
        Assert.True(await restarted.WaitForOutputAsync("Try: curl", StartTimeout), restarted.Stdout + restarted.Stderr);
        Assert.Contains("admin@localhost is no longer an admin", restarted.Stdout);
        Assert.Contains("token --email ops@example.com", restarted.Stdout);
        Assert.DoesNotContain("token --email admin@localhost", restarted.Stdout);
        Assert.Equal("", restarted.AdminToken);
    }

    [Fact]
    public async Task WithASharedKeyAndNoAdmin_TheBannerSaysHowToMakeOne_UntilThereIsOne()
    {
        await using var database = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = database.Url, ["TALLY_JWT_SIGNING_KEY"] = TestTokens.SigningKey, ["TALLY_STRIPE_EMULATOR"] = "true",
        };

        var (first, _) = await TallyProcess.ServeAsync(directory, env, StartTimeout);
        await using (var tally = first)
        {
            Assert.True(await tally.WaitForOutputAsync("Tally has no admin yet", StartTimeout), tally.Stdout + tally.Stderr);
            Assert.Contains("users set-role --email you@example.com --role admin", tally.Stdout);
        }

        Assert.Equal(0, (await TallyProcess.RunAsync(directory, env, "users", "set-role", "--email", "ops@example.com", "--role", "admin")).ExitCode);
        var (again, url) = await TallyProcess.ServeAsync(directory, env, StartTimeout);
        await using var restarted = again;
        // The banner is written before the host reports "Application started".
        Assert.True(await restarted.WaitForOutputAsync("Application started", StartTimeout), restarted.Stdout + restarted.Stderr);
        Assert.DoesNotContain("Tally has no admin yet", restarted.Stdout);
        Assert.StartsWith("http://127.0.0.1:", url);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
