using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Tally.Bench.Webhooks;

/// <summary>Tally from its Release build as a child process, in real-Stripe mode against the bench's emulator.</summary>
internal sealed class TallyProcess : IAsyncDisposable
{
    private const string SigningKey = "bench-signing-key-that-is-long-enough-for-hs256";
    private const string AdminEmail = "bench-admin@example.test";
    private readonly Process process;
    private readonly HttpClient admin;

    private TallyProcess(Process process, Uri baseUrl, string token)
    {
        this.process = process;
        BaseUrl = baseUrl;
        admin = new HttpClient { BaseAddress = baseUrl };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUrl { get; }

    /// <summary>CPU time the Tally process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public static async Task<TallyProcess> StartAsync(BenchOptions options, string databaseUrl, StripeAccountFixture stripe, bool processorEnabled)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var process = Start(options, databaseUrl, stripe, processorEnabled, "serve", "--urls", url.ToString().TrimEnd('/'));
        using var probe = new HttpClient();
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await probe.GetAsync(new Uri(url, "/healthz"))).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (i < 300)
            {
                await Task.Delay(100);
            }
        }

        var tokenVerb = Start(options, databaseUrl, stripe, processorEnabled, "token", "--email", AdminEmail);
        var token = (await tokenVerb.StandardOutput.ReadToEndAsync()).Trim();
        await tokenVerb.WaitForExitAsync();
        var tally = new TallyProcess(process, url, token);
        (await tally.admin.GetAsync("/api/me")).EnsureSuccessStatusCode();
        return tally;
    }

    private static Process Start(BenchOptions options, string databaseUrl, StripeAccountFixture stripe, bool processorEnabled, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(options.Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DATABASE_URL"] = databaseUrl;
        info.Environment["TALLY_JWT_SIGNING_KEY"] = SigningKey;
        info.Environment["TALLY_ADMIN_EMAILS"] = AdminEmail;
        info.Environment["STRIPE_SECRET_KEY"] = StripeAccountFixture.ApiKey;
        info.Environment["STRIPE_API_BASE"] = stripe.Server.ApiBase;
        info.Environment["STRIPE_WEBHOOK_SECRET"] = StripeAccountFixture.WebhookSecret;
        info.Environment["Webhooks__ProcessorEnabled"] = processorEnabled ? "true" : "false";
        info.Environment["Webhooks__Parallelism"] = options.Parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        if (args[0] == "serve")
        {
            // Drain the pipes so the child never blocks on a full buffer.
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("tally: " + e.Data); } };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { File.AppendAllText(Path.Combine(Path.GetTempPath(), "tally-bench-webhooks.log"), e.Data + Environment.NewLine); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return process;
    }

    public async Task WaitUntilNoPendingAsync()
    {
        while (await CountAsync("pending", limit: 1) > 0)
        {
            await Task.Delay(20);
        }
    }

    public async Task<int> CountAsync(string status, int limit = 100)
    {
        var page = JsonDocument.Parse(await admin.GetStringAsync($"/api/admin/webhooks?status={status}&limit={limit}")).RootElement;
        return page.GetProperty("data").GetArrayLength();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
