using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.OpenApi;

namespace Tally.Api.Features.Sync;

internal static class SyncEndpoints
{
    public static void MapStripeSync(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/admin/stripe/sync", RunAsync)
            .WithTags("Sync")
            .WithName("SyncFromStripe")
            .WithSummary("Backfills products, prices, customers, subscriptions and invoices from Stripe; idempotent.")
            .RequireRole(Role.Admin)
            .ProducesProblems(502);

    private static async Task<Ok<SyncResult>> RunAsync(StripeSync sync, CancellationToken ct) => TypedResults.Ok(await sync.RunAsync(ct));
}
