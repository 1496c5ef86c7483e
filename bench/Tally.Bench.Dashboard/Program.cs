using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

// bench/dashboard.sh: starts the Release Tally (serve --demo, emulator, temp SQLite), waits for the demo data,
// signs a headless Chromium in, then loads /dashboard/overview N times (a fresh navigation each) and reports, per
// load, the time from navigation start until the KPI tiles, the MRR chart, the waterfall and the cohort grid are
// drawn; the baseline in the same run is the sign-in page (plain HTML + stylesheet, no data).
var dll = Arg("--dll") ?? throw new ArgumentException("--dll <Tally.Api.dll> is required");
var loads = int.Parse(Arg("--loads") ?? "7", CultureInfo.InvariantCulture);
const string key = "bench-signing-key-that-is-long-enough-for-hs256!";
const string adminEmail = "bench-admin@example.com";

var work = Directory.CreateTempSubdirectory("tally-bench-dashboard-").FullName;
var port = FreePort();
var url = $"http://127.0.0.1:{port}";
var info = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var a in new[] { dll, "serve", "--demo", "--urls", url })
{
    info.ArgumentList.Add(a);
}

foreach (var name in info.Environment.Keys.Where(k => Regex.IsMatch(k, "^(TALLY_|STRIPE_|OTEL_|DATABASE_URL$|ASPNETCORE_URLS$)")).ToList())
{
    info.Environment.Remove(name);
}

info.Environment["DATABASE_URL"] = Path.Combine(work, "tally.db");
info.Environment["TALLY_JWT_SIGNING_KEY"] = key;
info.Environment["TALLY_ADMIN_EMAILS"] = adminEmail;
info.Environment["Logging__LogLevel__Default"] = "Warning";
var output = new StringBuilder();
using var tally = Process.Start(info)!;
tally.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
tally.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
tally.BeginOutputReadLine();
tally.BeginErrorReadLine();
try
{
    var clock = Stopwatch.StartNew();
    while (!Out().Contains("Demo: seeded in", StringComparison.Ordinal))
    {
        if (tally.HasExited || clock.Elapsed > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException("Tally did not seed the demo:\n" + Out());
        }

        await Task.Delay(250);
    }

    Console.WriteLine(Out().Split('\n').First(l => l.StartsWith("Demo: seeded in", StringComparison.Ordinal)).Trim());
    var token = Jwt(key, "bench-admin", adminEmail);
    using var http = new HttpClient { BaseAddress = new Uri(url) };
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    (await http.GetAsync("/api/me")).EnsureSuccessStatusCode();
    await Task.Delay(3000); // the last webhooks of the seeding

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium", Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
    });
    var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "en-US" });
    var page = await context.NewPageAsync();
    await page.GotoAsync($"{url}/dashboard/signin");
    await page.GetByLabel("Bearer token").FillAsync(token);
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.WaitForSelectorAsync("main[data-ready='true']");

    const string drawn = "() => document.querySelector(\"main[data-ready='true']\") && document.querySelectorAll('.tile').length === 9 && window.Chart && Chart.getChart('mrr-chart') && Chart.getChart('waterfall-chart') && document.querySelector('#h-cohort-retention ~ .table-wrap')";
    var overview = new List<double>();
    var baseline = new List<double>();
    for (var i = 0; i < loads + 1; i++) // the first of each is a warm-up (Tally's JIT, Chromium's cache)
    {
        await page.GotoAsync($"{url}/dashboard/signin");
        await page.WaitForSelectorAsync("form.signin");
        var b = await page.EvaluateAsync<double>("() => performance.now()");
        await page.GotoAsync($"{url}/dashboard/overview", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync(drawn, null, new() { PollingInterval = 5 });
        var o = await page.EvaluateAsync<double>("() => performance.now()");
        if (i > 0)
        {
            baseline.Add(b);
            overview.Add(o);
            Console.WriteLine($"load {i}: overview drawn after {o:0} ms; sign-in page {b:0} ms");
        }
    }

    var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
    Console.WriteLine($"overview median {Median(overview):0} ms (min {overview.Min():0}, max {overview.Max():0}) over {loads} loads; " +
        $"sign-in page median {Median(baseline):0} ms; ratio {Median(overview) / Median(baseline):0.0}; load average {string.Join(' ', load)}");
}
finally
{
    if (!tally.HasExited)
    {
        tally.Kill(entireProcessTree: true);
        await tally.WaitForExitAsync();
    }

    Directory.Delete(work, recursive: true);
}

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

string Out()
{
    lock (output)
    {
        return output.ToString();
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static int FreePort()
{
    using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static string Jwt(string key, string subject, string email)
{
    static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
    var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["sub"] = subject, ["email"] = email, ["iss"] = "tally", ["aud"] = "tally", ["iat"] = now, ["nbf"] = now - 60, ["exp"] = now + 3600,
    }));
    return $"{header}.{payload}.{Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}")))}";
}
