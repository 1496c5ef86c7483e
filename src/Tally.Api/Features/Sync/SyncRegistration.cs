namespace Tally.Api.Features.Sync;

internal static class SyncRegistration
{
    public static void AddStripeSync(this WebApplicationBuilder builder) => builder.Services.AddScoped<StripeSync>();
}
