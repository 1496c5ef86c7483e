using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Stripe;

/// <summary>
/// The embedded emulator's state has one owner: one process at a time, and the database it was used
/// with. A second process (a CLI verb beside a running server) or a start with other state stops with a
/// message instead of corrupting it or answering 404s and 502s (real executable).
/// </summary>
public sealed class EmulatorStateOwnershipTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string directory = Directory.CreateTempSubdirectory("tally-emulator-owner-").FullName;
    private readonly string other = Directory.CreateTempSubdirectory("tally-emulator-other-").FullName;

    [Fact]
    public async Task StripeSync_BesideARunningServer_Refuses_AndLeavesItsStateAlone()
    {
        var state = Path.Combine(directory, "tally.db.stripe");
        var (serving, _) = await TallyProcess.ServeAsync(directory, null, StartTimeout);
        await using (var tally = serving)
        {
            Assert.True(await tally.WaitForOutputAsync("Try: curl", StartTimeout), tally.Stdout + tally.Stderr);
            var port = await File.ReadAllTextAsync(Path.Combine(state, "port"), TestContext.Current.CancellationToken);

            var sync = await TallyProcess.RunAsync(directory, null, "stripe", "sync");

            Assert.True(sync.ExitCode == 3, $"exit {sync.ExitCode}\n{sync.Stdout}\n{sync.Stderr}");
            Assert.Contains("in use by another Tally process", sync.Stderr);
            Assert.Equal(port, await File.ReadAllTextAsync(Path.Combine(state, "port"), TestContext.Current.CancellationToken));
        }

        // Once the server is gone the verb owns the state and works.
        var after = await TallyProcess.RunAsync(directory, null, "stripe", "sync");
        Assert.True(after.ExitCode == 0, after.Stdout + after.Stderr);
    }

    [Fact]
    public async Task AStartWithOtherEmulatorState_ThanTheDatabaseWasUsedWith_Stops_NamingBoth()
    {
        await using var database = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = database.Url, ["TALLY_JWT_SIGNING_KEY"] = TestTokens.SigningKey, ["TALLY_STRIPE_EMULATOR"] = "true",
        };
        var (first, _) = await TallyProcess.ServeAsync(directory, env, StartTimeout);
        await first.DisposeAsync();

        // PostgreSQL: the state is in the working directory, so start elsewhere. SQLite: it sits beside the
        // database file wherever Tally starts, so lose it instead.
        var startIn = directory;
        if (TestDatabase.UsesPostgres)
        {
            startIn = other;
        }
        else
        {
            Directory.Move(database.Url + ".stripe", Path.Combine(other, "moved.stripe"));
        }

        var run = await TallyProcess.RunAsync(startIn, env, "serve", "--urls", $"http://127.0.0.1:{TallyProcess.FreePort()}");

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("was used with the embedded Stripe emulator state in", run.Stderr);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", run.Stdout + run.Stderr);
    }

    public void Dispose()
    {
        Directory.Delete(directory, recursive: true);
        Directory.Delete(other, recursive: true);
    }
}
