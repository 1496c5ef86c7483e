using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Health;

namespace Tally.Api.Features.Health;

public sealed record HealthResponse(string Status);

public sealed record ReadinessResponse(string Status, string Database, string Stripe, IReadOnlyDictionary<string, string> Workers);

internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("").WithTags("Health").AllowAnonymous();
        health.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("ok"))).WithName("Liveness");
        health.MapGet("/readyz", ReadyAsync).WithName("Readiness");
        app.MapGet("/api/admin/system", SystemEndpoint.Get).WithTags("Health").WithName("GetSystem").RequireRole(Role.Admin)
            .WithSummary("Stripe mode (emulator or live) and API host, version, database provider, start time and uptime.");
    }

    /// <summary>
    /// 503 while the instance drains (SIGTERM), when the database does not answer or a background worker
    /// has stopped or hangs. Stripe's reachability (cached, probed in the background) is reported but does
    /// not make the instance unready: usage and webhooks are stored while Stripe is away and delivered later.
    /// </summary>
    private static async Task<Results<Ok<ReadinessResponse>, ProblemHttpResult>> ReadyAsync(
        TallyDbContext db, IHostApplicationLifetime lifetime, WorkerHeartbeats heartbeats, StripeReachability stripe, CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Problems.Result(StatusCodes.Status503ServiceUnavailable, "draining", "This instance is shutting down.");
        }

        bool up;
        try
        {
            up = await db.Database.CanConnectAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            up = false;
        }

        var workers = heartbeats.Report();
        var answer = new ReadinessResponse("ready", up ? "ok" : "unreachable", stripe.Current(), workers);
        if (!up)
        {
            return NotReady("The database is not reachable.", answer);
        }

        return workers.FirstOrDefault(w => w.Value != "alive") is { Key: not null } dead
            ? NotReady($"The background worker {dead.Key} is {dead.Value}.", answer)
            : TypedResults.Ok(answer);
    }

    private static ProblemHttpResult NotReady(string detail, ReadinessResponse answer) =>
        Problems.Result(StatusCodes.Status503ServiceUnavailable, "not_ready", detail, new Dictionary<string, object?>
        {
            ["database"] = answer.Database, ["stripe"] = answer.Stripe, ["workers"] = answer.Workers,
        });
}
