using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Features.Dashboard;

internal static class DashboardRegistration
{
    /// <summary>The admin dashboard at <c>/dashboard</c>; in emulator mode <c>serve</c> prints a one-time sign-in link.</summary>
    public static void AddDashboard(this WebApplicationBuilder builder, TallySettings settings)
    {
        builder.Services.AddSingleton<DashboardPages>();
        builder.Services.AddScoped<SignInTarget>();
        if (settings.Stripe.UsesEmulator)
        {
            builder.Services.AddHostedService<DashboardLink>();
        }
    }
}
