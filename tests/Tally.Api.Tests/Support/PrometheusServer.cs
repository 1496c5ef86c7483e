using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tally.Api.Tests.Support;

/// <summary>
/// The real Prometheus that <c>./test.sh</c> starts (<c>scripts/prometheus.sh</c>): a test names the Tally
/// it runs as a scrape target (a file in <c>TALLY_TEST_PROMETHEUS_TARGETS</c>, labelled with a
/// <c>test</c> label of its own) and asks PromQL questions through its HTTP API.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient http;
    private readonly string targetFile;

    private PrometheusServer(string api, string targets, string target)
    {
        http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(30) };
        Label = "t" + Guid.NewGuid().ToString("N")[..12];
        targetFile = Path.Combine(targets, Label + ".json");
        var temp = targetFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new[] { new { targets = new[] { target }, labels = new Dictionary<string, string> { ["test"] = Label } } }));
        File.Move(temp, targetFile); // whole, never half-written, when Prometheus reads it
    }

    /// <summary>The value of the <c>test</c> label on every series scraped from this test's target.</summary>
    public string Label { get; }

    /// <summary>Makes Prometheus scrape <paramref name="target"/> (host:port); skips the test when no Prometheus runs.</summary>
    public static PrometheusServer Scrape(string target)
    {
        var api = Environment.GetEnvironmentVariable("TALLY_TEST_PROMETHEUS");
        var targets = Environment.GetEnvironmentVariable("TALLY_TEST_PROMETHEUS_TARGETS");
        if (api is null || targets is null)
        {
            Assert.Skip("TALLY_TEST_PROMETHEUS is not set (./test.sh starts a Prometheus and sets it; by hand: source scripts/prometheus.sh && prometheus_start).");
        }

        return new PrometheusServer(api, targets, target);
    }

    /// <summary>An instant PromQL query's single value, or null when it has no result (yet).</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        var answer = await http.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(promql), Ct);
        Assert.Equal("success", answer.GetProperty("status").GetString());
        var result = answer.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() switch
        {
            0 => null,
            1 => double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"'{promql}' has {result.GetArrayLength()} series; expected one: {result}"),
        };
    }

    /// <summary>Waits until <paramref name="promql"/> returns <paramref name="expected"/>.</summary>
    public Task<double?> EventuallyAsync(string promql, double expected) =>
        Eventually.ValueAsync(() => QueryAsync(promql), v => v == expected, $"Prometheus to answer {expected} to {promql}");

    public void Dispose()
    {
        File.Delete(targetFile);
        http.Dispose();
    }
}
