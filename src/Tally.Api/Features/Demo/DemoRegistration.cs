using Microsoft.EntityFrameworkCore;
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
        if (await db.Set<StripeSetting>().AnyAsync(s => s.Key == DemoClockSetting, ct))
        {
            return null;
        }

        var summary = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(plan, ct);
        db.Add(new StripeSetting { Key = DemoClockSetting, Value = summary.TestClockId });
        await db.SaveChangesAsync(ct);
        return summary;
    }
}

/// <summary><c>serve --demo</c>: seeds in the background once the server runs, so webhooks flow into the mirror live.</summary>
internal sealed class DemoOnStart(IServiceProvider services, ILogger<DemoOnStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            var summary = await DemoRegistration.SeedOnceAsync(services, new DemoPlan(), stoppingToken);
            Console.WriteLine(summary is null
                ? "Demo: this database already holds the demo data."
                : $"Demo: {summary.Customers} customers, {summary.Subscriptions} subscriptions over 12 emulated months (test clock {summary.TestClockId}).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Seeding the demo data failed");
        }
    }
}
