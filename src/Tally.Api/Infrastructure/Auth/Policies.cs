using Tally.Api.Infrastructure.OpenApi;

namespace Tally.Api.Infrastructure.Auth;

internal static class Policies
{
    public static string AtLeast(Role role) => "at-least-" + role.ToName();

    public static void AddTallyPolicies(this Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            options.AddPolicy(AtLeast(role), p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasAtLeast(role)));
        }

        // An endpoint that forgot its annotation still needs a provisioned, authenticated user.
        options.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireClaim(TallyClaims.RoleType)
            .Build();
    }

    /// <summary><c>require_role(role)</c>: admits <paramref name="role"/> and every role above it.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(AtLeast(role)).ProducesProblems(401, 403);

    /// <summary><c>require_any_role(...)</c>: admits exactly the listed roles.</summary>
    public static TBuilder RequireAnyRole<TBuilder>(this TBuilder builder, params Role[] roles)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.RequireAuthenticatedUser().RequireClaim(TallyClaims.RoleType, roles.Select(r => r.ToName())))
            .ProducesProblems(401, 403);
}
