using System.Net;
using System.Text;
using Stripe;

namespace Tally.Bench.Webhooks;

/// <summary>A closed-loop load generator: <c>concurrency</c> workers over one pooled HttpClient.</summary>
internal sealed class Load(Uri baseUrl, int concurrency)
{
    private readonly HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseUrl,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Posts every event once, signed just before the run; returns how many got 200 (fails on any other answer).</summary>
    public async Task<int> PostEventsAsync(List<RawEvent> events, string secret)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = events.Select(e => (Body: Encoding.UTF8.GetBytes(e.Json), Signature: EventUtility.GenerateSignatureHeader(e.Json, secret, t))).ToArray();
        var next = -1;
        var ok = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < signed.Length)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/webhook") { Content = new ByteArrayContent(signed[i].Body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("Stripe-Signature", signed[i].Signature);
                using var response = await http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                Interlocked.Increment(ref ok);
            }
        }));
        return ok;
    }

    /// <summary>GET /healthz for <paramref name="duration"/> with the same client and concurrency: requests per second.</summary>
    public async Task<double> HealthzAsync(TimeSpan duration)
    {
        var count = 0L;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (stopwatch.Elapsed < duration)
            {
                using var response = await http.GetAsync("/healthz");
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref count);
            }
        }));
        return count / stopwatch.Elapsed.TotalSeconds;
    }
}
