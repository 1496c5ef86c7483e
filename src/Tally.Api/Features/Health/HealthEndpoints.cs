using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Features.Health;

public sealed record HealthResponse(string Status);

public sealed record ReadinessResponse(string Status, string Database);

internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("").WithTags("Health").AllowAnonymous();
        health.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("ok"))).WithName("Liveness");
        health.MapGet("/readyz", ReadyAsync).WithName("Readiness");
    }

    private static async Task<Results<Ok<ReadinessResponse>, ProblemHttpResult>> ReadyAsync(TallyDbContext db, CancellationToken ct)
    {
        bool up;
        try
        {
            up = await db.Database.CanConnectAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            up = false;
        }

        return up
            ? TypedResults.Ok(new ReadinessResponse("ready", "ok"))
            : Problems.Result(StatusCodes.Status503ServiceUnavailable, "not_ready", "The database is not reachable.");
    }
}
