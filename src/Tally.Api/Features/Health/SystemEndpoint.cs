using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Health;

/// <summary>
/// What an admin's Health page shows about this instance: <c>stripe_mode</c> <c>emulator</c> or <c>live</c> (real Stripe or a
/// Stripe-compatible server; never the key), the Stripe API host, the build's version, the database provider, start time and uptime.
/// </summary>
public sealed record SystemResponse(
    string StripeMode, string StripeApiHost, string Version, string Database, DateTimeOffset StartedAt, double UptimeSeconds);

internal static class SystemEndpoint
{
    private static readonly string Version =
        typeof(SystemEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(SystemEndpoint).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>When this process started (the service runs one host per process).</summary>
    private static readonly DateTimeOffset StartedAt = new(Process.GetCurrentProcess().StartTime.ToUniversalTime(), TimeSpan.Zero);

    public static Ok<SystemResponse> Get(StripeAccount stripe, TallyDbContext db, TimeProvider clock) =>
        TypedResults.Ok(new SystemResponse(
            stripe.IsEmulator ? "emulator" : "live",
            Uri.TryCreate(stripe.ApiBase, UriKind.Absolute, out var api) ? api.Authority : "unknown",
            Version,
            db.Database.ProviderName switch
            {
                { } p when p.Contains("Npgsql", StringComparison.Ordinal) => "postgresql",
                { } p when p.Contains("Sqlite", StringComparison.Ordinal) => "sqlite",
                var p => p ?? "unknown",
            },
            StartedAt,
            Math.Max(0, (clock.GetUtcNow() - StartedAt).TotalSeconds)));
}
