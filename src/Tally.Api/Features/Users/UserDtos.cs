using Tally.Api.Infrastructure.Auth;

namespace Tally.Api.Features.Users;

public sealed record MeResponse(long Id, string? Email, string? FullName, string Role, string? StripeCustomerId);

public sealed record UserResponse(long Id, string? Email, string? FullName, string Role, string? StripeCustomerId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ChangeRoleRequest(string? Role);

internal static class UserMapping
{
    public static UserResponse ToResponse(this User u) =>
        new(u.Id, u.Email, u.FullName, u.Role.ToName(), u.StripeCustomerId, u.CreatedAt, u.UpdatedAt);
}
