using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Demo;

internal static class DemoRegistration
{
    public const string DemoClockSetting = "demo_test_clock";

    public static void AddDemo(this WebApplicationBuilder builder, bool seedOnStart)
    {
        builder.Services.AddScoped<DemoSeeder>();
        builder.Services.AddScoped<DemoUsage>();
        if (seedOnStart)
        {
            builder.Services.AddHostedService<DemoOnStart>();
        }
    }

    /// <summary>
    /// Seeds once per database (remembered in <c>stripe_settings</c>); a second run does nothing. A
    /// failure throws <see cref="DemoSeedingException"/> naming the step; what was made stays, and is not
    /// remembered, so the next run seeds again. <paramref name="today"/>: the demo's "today" (tests pass a
    /// fake one); the service's clock otherwise.
    /// </summary>
    public static async Task<DemoSummary?> SeedOnceAsync(
        IServiceProvider services, DemoPlan plan, DemoProgress? progress = null, TimeProvider? today = null, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        if (await db.HasStripeSettingAsync(DemoClockSetting, ct))
        {
            return null;
        }

        progress ??= new DemoProgress();
        var seeder = today is null
            ? scope.ServiceProvider.GetRequiredService<DemoSeeder>()
            : ActivatorUtilities.CreateInstance<DemoSeeder>(scope.ServiceProvider, today);
        DemoSummary summary;
        try
        {
            summary = await seeder.SeedAsync(plan, progress, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new DemoSeedingException(progress.Step, progress.ToSummary(), ex);
        }

        await db.RememberStripeSettingsAsync([new(DemoClockSetting, summary.TestClockId!)], ct);
        return summary;
    }

    /// <summary>The console lines of a failed seeding: the step, Stripe's answer or the error, and what stays.</summary>
    public static string FailureText(DemoSeedingException ex) =>
        $"Demo: seeding failed while {ex.Step}: {StripeErrors.Describe(ex.InnerException!) ?? ex.InnerException!.Message}" + Environment.NewLine +
        $"Demo: what was created stays: {ex.SoFar}. The demo is not marked as seeded: the next run seeds again.";
}
