using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

[assembly: AssemblyFixture(typeof(Tally.E2E.Tests.Support.TallyServer))]

namespace Tally.E2E.Tests.Support;

/// <summary>
/// One real Tally process per test run: the built <c>Tally.Api.dll</c> with <c>serve --demo</c> on a free
/// loopback port, emulator mode, its own temp SQLite file (or a fresh database on the PostgreSQL server of
/// <c>TALLY_TEST_POSTGRES</c>), and none of the shell's Tally, Stripe or database settings. Ready once the
/// demo data is seeded; <see cref="SignInLink"/> is the one-time link it printed.
/// </summary>
public sealed partial class TallyServer : IAsyncLifetime
{
    public const string SigningKey = "e2e-signing-key-that-is-long-enough-for-hs256!";
    public const string AdminEmail = "e2e-admin@example.com";
    private static readonly TimeSpan SeedTimeout = TimeSpan.FromMinutes(4);
    private static readonly string[] SettingPrefixes = ["TALLY_", "STRIPE_", "OTEL_", "Webhooks__", "Revenue__", "Usage__"];
    private static readonly string[] SettingNames = ["DATABASE_URL", "REDIS_URL", "DEFAULT_CURRENCY", "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS"];

    private readonly StringBuilder output = new();
    private Process? process;
    private string? workDir;
    private string? postgresAdmin;
    private string? postgresName;

    public string Url { get; private set; } = "";

    public string SignInLink { get; private set; } = "";

    public static string Provider => string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TALLY_TEST_POSTGRES")) ? "sqlite" : "postgres";

    public string Output { get { lock (output) { return output.ToString(); } } }

    public string AdminToken => Jwt.Sign(SigningKey, "e2e-admin", AdminEmail);

    /// <summary>The embedded emulator's webhook signing secret: beside the SQLite file, or in ./tally.stripe with PostgreSQL.</summary>
    public string WebhookSecretPath => Path.Combine(workDir!, Provider == "sqlite" ? "tally.db.stripe" : "tally.stripe", "webhook-secret");

    public async ValueTask InitializeAsync()
    {
        workDir = Directory.CreateTempSubdirectory("tally-e2e-").FullName;
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Paths.TallyDll);
        foreach (var arg in new[] { "serve", "--demo", "--urls", Url })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(IsSetting).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DATABASE_URL"] = await DatabaseUrlAsync();
        info.Environment["TALLY_JWT_SIGNING_KEY"] = SigningKey;
        info.Environment["TALLY_ADMIN_EMAILS"] = AdminEmail;
        info.Environment["TALLY_STRIPE_EMULATOR"] = "true";
        // A webhook event that cannot be processed ends failed at its first attempt (the Health page test makes one).
        info.Environment["Webhooks__MaxAttempts"] = "1";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var started = Stopwatch.StartNew();
        while (!Output.Contains("Demo: seeded in", StringComparison.Ordinal))
        {
            if (process.HasExited || started.Elapsed > SeedTimeout || Output.Contains("Demo: seeding failed", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Tally did not finish seeding the demo ({started.Elapsed.TotalSeconds:0} s):\n{Output}");
            }

            await Task.Delay(250);
        }

        SignInLink = Link().Match(Output).Value;
        if (SignInLink.Length == 0)
        {
            throw new InvalidOperationException($"Tally printed no dashboard sign-in link:\n{Output}");
        }

        // The admin of TALLY_ADMIN_EMAILS exists once its token has been used: the link signs in that admin.
        using var http = Client(AdminToken);
        (await http.GetAsync("/api/me")).EnsureSuccessStatusCode();
        await SettledAsync(http, started);
    }

    /// <summary>
    /// Seeding has returned, but Stripe's last webhooks may still be on their way: wait until the inbox has
    /// nothing pending and the revenue figures read the same three times in a row, so the tests compare
    /// the page with the API over data that no longer moves.
    /// </summary>
    private async Task SettledAsync(HttpClient http, Stopwatch started)
    {
        var same = 0;
        var last = "";
        while (same < 3)
        {
            if (started.Elapsed > SeedTimeout)
            {
                throw new InvalidOperationException($"the demo data did not settle:\n{Output}");
            }

            await Task.Delay(1000);
            var pending = await http.GetStringAsync("/api/admin/webhooks?status=pending&limit=1");
            var revenue = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/admin/revenue")).RootElement;
            var figures = $"{pending.Contains("\"data\":[]", StringComparison.Ordinal)} {revenue.GetProperty("mrr")} {revenue.GetProperty("usage_mrr")} {revenue.GetProperty("active_subscriptions")}";
            same = figures == last && figures.StartsWith("True", StringComparison.Ordinal) ? same + 1 : 0;
            last = figures;
        }
    }

    public HttpClient Client(string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        if (postgresName is not null)
        {
            await using var connection = new NpgsqlConnection(postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (workDir is not null)
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private async Task<string> DatabaseUrlAsync()
    {
        var server = Environment.GetEnvironmentVariable("TALLY_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            return Path.Combine(workDir!, "tally.db");
        }

        var uri = new Uri(server);
        var user = uri.UserInfo.Split(':', 2);
        postgresAdmin = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432, Database = "postgres", Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length == 2 ? Uri.UnescapeDataString(user[1]) : null, Pooling = false,
        }.ConnectionString;
        postgresName = $"tally_e2e_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(postgresAdmin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{postgresName}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new UriBuilder(uri) { Path = "/" + postgresName }.Uri.ToString();
    }

    private static bool IsSetting(string name) =>
        SettingPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || SettingNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"http://\S+/dashboard/signin\?code=[\w-]+")]
    private static partial Regex Link();
}
