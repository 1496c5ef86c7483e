namespace Tally.Api.Features.Users;

internal static class UsersRegistration
{
    public static void AddUsers(this WebApplicationBuilder builder) => builder.Services.AddScoped<RoleChanges>();
}
