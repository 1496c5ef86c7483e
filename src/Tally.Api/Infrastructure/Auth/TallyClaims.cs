using System.Security.Claims;

namespace Tally.Api.Infrastructure.Auth;

/// <summary>Claims Tally adds after validating a token. Token-supplied claims of these types are discarded.</summary>
internal static class TallyClaims
{
    public const string UserIdType = "tally:user_id";
    public const string RoleType = "tally:role";
    public const string Subject = "sub";
    public const string Email = "email";
    public const string EmailVerified = "email_verified";
    public const string Name = "name";

    public static long UserId(this ClaimsPrincipal principal) =>
        long.Parse(principal.FindFirstValue(UserIdType) ?? throw new InvalidOperationException("The principal was not provisioned."),
            System.Globalization.CultureInfo.InvariantCulture);

    public static Role Role(this ClaimsPrincipal principal) =>
        Roles.TryParse(principal.FindFirstValue(RoleType), out var role) ? role : Auth.Role.Viewer;

    public static bool HasAtLeast(this ClaimsPrincipal principal, Role minimum) =>
        principal.FindFirstValue(RoleType) is not null && principal.Role() >= minimum;

    /// <summary>The caller as authentication found it (cached; no database round trip).</summary>
    public static KnownUser CurrentUser(this HttpContext http) =>
        http.Items[typeof(KnownUser)] as KnownUser ?? throw new InvalidOperationException("The request was not authenticated.");

    public static string Actor(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(Email) ?? principal.FindFirstValue(Subject) ?? "unknown";
}
