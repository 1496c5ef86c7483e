namespace Tally.Api.Features.Usage;

internal static class UsageRegistration
{
    public static void AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<UsageLedger>();
        builder.Services.AddSingleton<MeterNames>();
        builder.Services.AddSingleton<UsagePricing>();
        builder.Services.AddSingleton<StripeTime>();
        builder.Services.AddSingleton<MeterEventRateLimit>();
        builder.Services.AddSingleton<UsagePipelineState>();
        builder.Services.AddSingleton<UsageTargets>();
        builder.Services.AddSingleton<UsageIntake>();
        builder.Services.AddScoped<UsageBatching>();
        builder.Services.AddScoped<UsageSending>();
        builder.Services.AddScoped<UsageSummaries>();
        builder.Services.AddSingleton<UsageFlusher>();
        if (builder.Configuration.GetValue($"{UsageOptions.Section}:{nameof(UsageOptions.FlusherEnabled)}", true))
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<UsageFlusher>());
        }
    }
}
