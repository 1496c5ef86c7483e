namespace Tally.Api.Infrastructure.Health;

internal static class HealthRegistration
{
    /// <summary>What <c>/readyz</c> reads besides the database: the workers' heartbeats and Stripe's cached reachability.</summary>
    public static void AddTallyHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WorkerHeartbeats>();
        builder.Services.AddSingleton<StripeReachability>();
    }
}
