using Tally.Api.Infrastructure.Auth;

namespace Tally.Api.Features.Users;

internal static class UserRegistration
{
    /// <summary>Registered after the database, so that the local admin is created once migrations are applied.</summary>
    public static void AddUsers(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UserDirectory>();
        // Users hooks itself into token validation: authentication resolves every validated subject here.
        builder.Services.AddSingleton<IUserResolver>(sp => sp.GetRequiredService<UserDirectory>());
        builder.Services.AddScoped<UserAccounts>();
        builder.Services.AddScoped<CustomerLinks>();
        builder.Services.AddScoped<CustomerImports>();
        builder.Services.AddScoped<RoleChanges>();
        builder.Services.AddHostedService<LocalAdmin>();
    }
}
