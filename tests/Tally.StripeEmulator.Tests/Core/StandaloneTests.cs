using System.Diagnostics;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class StandaloneTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Program_PrintsBaseUrl_AndServesStripeApi()
    {
        var dll = typeof(EmulatorProgram).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--port", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var firstLine = await process.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.NotNull(firstLine);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", firstLine);

            var client = new StripeClient(new StripeClientOptions { ApiKey = "sk_test_standalone", ApiBase = firstLine });
            var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "cli@example.com" }, cancellationToken: Ct);
            Assert.Equal("cli@example.com", (await client.V1.Customers.GetAsync(customer.Id, cancellationToken: Ct)).Email);

            // SIGTERM (what `kill` and service managers send) stops it cleanly.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(Ct);
            }

            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(Ct);
            }
        }
    }
}
