namespace Tally.Api.Infrastructure.Auth;

/// <summary>The cached view of a user that authentication and the endpoints need.</summary>
internal sealed record KnownUser(long Id, Role Role, string? Email, string? FullName, string? StripeCustomerId);

/// <summary>
/// Maps a validated token's subject to its user, provisioning unknown subjects. Implemented by the
/// Users feature, which hooks itself into token validation through this interface.
/// </summary>
internal interface IUserResolver
{
    /// <summary>The user of <paramref name="subject"/>, or null when the token's email belongs to another user.</summary>
    Task<KnownUser?> FindOrProvisionAsync(string subject, string? email, string? fullName, CancellationToken cancellationToken);
}
