using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Tally.Api.Tests.Support;

/// <summary>The real Tally executable (<c>dotnet Tally.Api.dll</c>) run as a user would run it.</summary>
public sealed partial class TallyProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();

    private TallyProcess(Process process) => this.process = process;

    public string Stdout { get { lock (stdout) { return stdout.ToString(); } } }

    /// <summary>The admin token the zero-configuration start prints on a line of its own.</summary>
    public string AdminToken => TokenLine().Match(Stdout).Groups[1].Value;

    [GeneratedRegex(@"^\s*(ey[\w-]+\.[\w-]+\.[\w-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TokenLine();

    public string Stderr { get { lock (stderr) { return stderr.ToString(); } } }

    public static string DllPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Tally.slnx")))
            {
                root = root.Parent;
            }

            return Path.Combine(root!.FullName, "src", "Tally.Api", "bin", configuration, "net10.0", "Tally.Api.dll");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static TallyProcess Start(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The child gets only the settings a test gives it, never the shell's (nor the harness's TALLY_TEST_*).
        HermeticEnvironment.RemoveTallySettings(info.Environment);
        foreach (var harness in info.Environment.Keys.Where(k => k.StartsWith("TALLY_TEST_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(harness);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var running = new TallyProcess(Process.Start(info)!);
        running.process.OutputDataReceived += (_, e) => { lock (running.stdout) { running.stdout.AppendLine(e.Data); } };
        running.process.ErrorDataReceived += (_, e) => { lock (running.stderr) { running.stderr.AppendLine(e.Data); } };
        running.process.BeginOutputReadLine();
        running.process.BeginErrorReadLine();
        return running;
    }

    /// <summary>
    /// Starts Tally serving on a free loopback port (<paramref name="args"/> first: a verb or none) and
    /// waits until it listens. The port is free when chosen but may be taken before Tally binds it
    /// (by another test's server, or this process's own embedded emulator): then it starts again on
    /// another port. Any other failure to start fails the test with the process's output.
    /// </summary>
    public static async Task<(TallyProcess Tally, string Url)> ServeAsync(
        string workingDirectory, IDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information" };
        for (var attempt = 1; ; attempt++)
        {
            var url = $"http://127.0.0.1:{FreePort()}";
            var tally = Start(workingDirectory, env, [.. args, "--urls", url]);
            if (await tally.WaitForOutputAsync($"Now listening on: {url}", timeout))
            {
                return (tally, url);
            }

            await tally.DisposeAsync();
            var output = tally.Stdout + tally.Stderr;
            Assert.True(attempt < 3 && output.Contains("address already in use", StringComparison.OrdinalIgnoreCase), $"Tally did not start on {url}:\n{output}");
        }
    }

    /// <summary>Runs a verb to completion and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        await using var run = Start(workingDirectory, environment, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await run.process.WaitForExitAsync(timeout.Token);
        run.process.WaitForExit();
        return (run.process.ExitCode, run.Stdout, run.Stderr);
    }

    /// <summary>Waits until stdout contains <paramref name="text"/> (or the process exits).</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        await Eventually.WithinAsync(() => Task.FromResult(Stdout.Contains(text, StringComparison.Ordinal) || process.HasExited), timeout);
        if (process.HasExited)
        {
            process.WaitForExit(); // the last of the output is read
        }

        return Stdout.Contains(text, StringComparison.Ordinal);
    }

    /// <summary>Sends SIGTERM (what a container runtime or systemd sends) and returns the exit code once the process has ended.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(limit.Token);
        process.WaitForExit(); // the last of the output is read
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
