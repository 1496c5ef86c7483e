namespace Tally.Api.Features.Webhooks;

internal static class WebhookRegistration
{
    public static void AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WebhookSignal>();
        builder.Services.AddSingleton<InboxGroupCommit>();
        builder.Services.AddScoped<WebhookApplier>();
        if (builder.Configuration.GetValue($"{WebhookOptions.Section}:{nameof(WebhookOptions.ProcessorEnabled)}", true))
        {
            builder.Services.AddSingleton<WebhookProcessor>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookProcessor>());
        }
    }

    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhookIntake();
        app.MapWebhookAdmin();
    }
}
