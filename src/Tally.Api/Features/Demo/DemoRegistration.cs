using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Demo;

internal static class DemoRegistration
{
    public const string DemoClockSetting = "demo_test_clock";

    public static void AddDemo(this WebApplicationBuilder builder, bool seedOnStart)
    {
        builder.Services.AddScoped<DemoSeeder>();
        if (seedOnStart)
        {
            builder.Services.AddHostedService<DemoOnStart>();
        }
    }

    /// <summary>Seeds once per database (remembered in <c>stripe_settings</c>); a second run does nothing.</summary>
    public static async Task<DemoSummary?> SeedOnceAsync(IServiceProvider services, DemoPlan plan, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        if (await db.HasStripeSettingAsync(DemoClockSetting, ct))
        {
            return null;
        }

        var summary = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(plan, ct);
        await db.RememberStripeSettingsAsync([new(DemoClockSetting, summary.TestClockId)], ct);
        return summary;
    }
}
