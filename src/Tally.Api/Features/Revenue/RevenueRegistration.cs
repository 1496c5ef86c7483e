using Tally.Api.Features.Mirror;

namespace Tally.Api.Features.Revenue;

internal static class RevenueRegistration
{
    public static void AddRevenue(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RevenueOptions>().BindConfiguration(RevenueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<RevenueData>();
        builder.Services.AddScoped<FxRates>();
        builder.Services.AddScoped<RevenueReports>();
        builder.Services.AddScoped<SubscriptionMrr>();
        builder.Services.AddSingleton<ProjectionGate>();
        builder.Services.AddScoped<RevenueProjection>();
        builder.Services.AddScoped<IMirrorChangeListener, ProjectionQueue>();
        builder.Services.AddScoped<ProjectedRevenue>();
        builder.Services.AddHostedService<ProjectionWorker>();
    }
}
