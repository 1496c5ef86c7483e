using System.Net;
using System.Net.Sockets;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Cli;

/// <summary>
/// Start-up failures a user can cause (a bad setting, a database Tally cannot use, a taken port) end
/// the real executable with exit code 3 and one message naming what to change: no stack trace, no
/// stray files.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tally-startup-").FullName;

    private static string FreeUrl => $"http://127.0.0.1:{TallyProcess.FreePort()}";

    [Fact]
    public async Task UnreachablePostgres_NamesDatabaseUrl()
    {
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = $"postgres://tally:secret@127.0.0.1:{TallyProcess.FreePort()}/tally",
            ["TALLY_JWT_SIGNING_KEY"] = TestTokens.SigningKey,
            ["TALLY_STRIPE_EMULATOR"] = "true",
        };

        foreach (var args in new[] { new[] { "migrate" }, new[] { "serve", "--urls", FreeUrl } })
        {
            var run = await TallyProcess.RunAsync(directory, env, args);
            AssertStopped(run, "DATABASE_URL");
            Assert.Contains("is PostgreSQL running there?", run.Stderr);
            Assert.DoesNotContain("secret", run.Stdout + run.Stderr);
        }
    }

    [Fact]
    public async Task SqliteUrlNamingADirectory_IsRefused_WithoutLeavingAKeyFile()
    {
        Directory.CreateDirectory(Path.Combine(directory, "data"));

        var run = await TallyProcess.RunAsync(directory, new Dictionary<string, string> { ["DATABASE_URL"] = "data" }, "serve", "--urls", FreeUrl);

        AssertStopped(run, "DATABASE_URL");
        Assert.Contains("is a directory", run.Stderr);
        Assert.Empty(Directory.GetFiles(directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SqliteUrlNamingAnotherFile_IsRefused_AndTheFileIsUntouched()
    {
        var notes = Path.Combine(directory, "notes.txt");
        await File.WriteAllTextAsync(notes, "not a database", TestContext.Current.CancellationToken);

        var run = await TallyProcess.RunAsync(directory, new Dictionary<string, string> { ["DATABASE_URL"] = "notes.txt" }, "migrate");

        AssertStopped(run, "DATABASE_URL");
        Assert.Contains("not a SQLite database", run.Stderr);
        Assert.Equal("not a database", await File.ReadAllTextAsync(notes, TestContext.Current.CancellationToken));
        Assert.Equal([notes], Directory.GetFiles(directory));
    }

    [Fact]
    public async Task NoMigrate_OnANewDatabase_SaysToRunMigrate()
    {
        await using var database = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = database.Url, ["TALLY_JWT_SIGNING_KEY"] = TestTokens.SigningKey, ["TALLY_STRIPE_EMULATOR"] = "true",
        };

        var run = await TallyProcess.RunAsync(directory, env, "serve", "--no-migrate", "--urls", FreeUrl);

        AssertStopped(run, "TALLY_AUTO_MIGRATE");
        Assert.Contains("run the 'migrate' verb first", run.Stderr);

        // After migrate, the same start works.
        Assert.Equal(0, (await TallyProcess.RunAsync(directory, env, "migrate")).ExitCode);
        var (tally, _) = await TallyProcess.ServeAsync(directory, env, TimeSpan.FromSeconds(60), "serve", "--no-migrate");
        await tally.DisposeAsync();
    }

    [Theory]
    [InlineData("Webhooks__BatchSize", "abc", "is not a valid whole number")]
    [InlineData("Webhooks__Parallelism", "0", "must be between 1 and 64")]
    [InlineData("Usage__FlushInterval", "soon", "is not a valid duration")]
    public async Task BadTuningSetting_NamesTheVariable(string variable, string value, string reason)
    {
        var run = await TallyProcess.RunAsync(directory, new Dictionary<string, string> { [variable] = value }, "serve", "--urls", FreeUrl);

        AssertStopped(run, variable);
        Assert.Contains(reason, run.Stderr);
    }

    [Fact]
    public async Task UrlsThatAreNotAnAddress_AreRefused()
    {
        var run = await TallyProcess.RunAsync(directory, null, "serve", "--urls", "notaurl");

        AssertStopped(run, "--urls");
        Assert.Contains("'notaurl'", run.Stderr);
    }

    [Fact]
    public async Task PortAlreadyInUse_IsAMessage()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var run = await TallyProcess.RunAsync(directory, null, "serve", "--urls", url);

        AssertStopped(run, url);
        Assert.Contains("address already in use", run.Stderr);
    }

    [Theory]
    [InlineData(new[] { "serve", "--bogus" }, "Unknown option '--bogus' for 'serve'")]
    [InlineData(new[] { "serve", "--urls" }, "--urls needs a value")]
    [InlineData(new[] { "token", "--email", "a@example.com", "extra" }, "Unexpected argument 'extra'")]
    [InlineData(new[] { "users" }, "users set-role --email E --role R")]
    [InlineData(new[] { "users", "set-role", "--email", "notanemail", "--role", "admin" }, "'notanemail' is not an email address")]
    [InlineData(new[] { "token", "--email", "not an email" }, "is not an email address")]
    public async Task CommandLineMistakes_AreUsageErrors(string[] args, string message)
    {
        var run = await TallyProcess.RunAsync(directory, null, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Empty(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task Help_ShowsEveryOptionOfToken()
    {
        var run = await TallyProcess.RunAsync(directory, null, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("token --email E [--sub S] [--name N] [--ttl 1h]", run.Stdout);
    }

    private static void AssertStopped((int ExitCode, string Stdout, string Stderr) run, string names)
    {
        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains(names, run.Stderr);
        Assert.DoesNotContain("Unhandled exception", run.Stderr);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", run.Stdout + run.Stderr);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
