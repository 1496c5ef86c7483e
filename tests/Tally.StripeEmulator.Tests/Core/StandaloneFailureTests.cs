using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tally.StripeEmulator.Tests.Core;

/// <summary>The standalone emulator's bad arguments and a taken port end in a message and an exit code, not a crash.</summary>
public sealed class StandaloneFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(new[] { "--port", "abc" }, 2, "--port 'abc' is not a port number")]
    [InlineData(new[] { "--port", "70000" }, 2, "--port '70000' is not a port number")]
    [InlineData(new[] { "--port" }, 2, "--port needs a value")]
    [InlineData(new[] { "--frobnicate" }, 2, "unknown argument: --frobnicate")]
    public async Task BadArguments_AreUsageErrors(string[] args, int exitCode, string message)
    {
        var (code, stderr) = await RunAsync(args);

        Assert.Equal(exitCode, code);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
    }

    [Fact]
    public async Task TakenPort_IsAMessage()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, stderr) = await RunAsync(["--port", port]);

        Assert.Equal(3, code);
        Assert.Contains($"127.0.0.1:{port}: the address is already in use", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
    }

    private static async Task<(int Code, string Stderr)> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(EmulatorProgram).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        _ = process.StandardOutput.ReadToEndAsync(Ct);
        try
        {
            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stderr);
    }
}
