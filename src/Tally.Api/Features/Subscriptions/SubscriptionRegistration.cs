namespace Tally.Api.Features.Subscriptions;

internal static class SubscriptionRegistration
{
    public static void AddSubscriptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<MeteredSubscriptions>();
        builder.Services.AddScoped<PriceAllowList>();
    }
}
