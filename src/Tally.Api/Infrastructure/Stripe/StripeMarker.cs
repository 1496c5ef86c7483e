using System.Globalization;
using System.Security.Cryptography;

namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// The namespaced metadata with which this installation marks the Stripe objects it creates for a user
/// (<c>tally_installation</c> + <c>tally_user_id</c>). Only a customer carrying this installation's marker
/// is linked to a user automatically: a bare <c>user_id</c> is the product's own numbering (see ADR 9).
/// </summary>
internal static class StripeMarker
{
    public const string InstallationKey = "tally_installation";
    public const string UserIdKey = "tally_user_id";

    /// <summary>On a subscription: the hash of the client's <c>Idempotency-Key</c> that created it.</summary>
    public const string RequestKey = "tally_request";

    /// <summary>A new installation id: <c>tly_</c> and 24 random hex digits.</summary>
    public static string NewInstallationId() => "tly_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static Dictionary<string, string> For(string installationId, long userId) => new()
    {
        [InstallationKey] = installationId,
        [UserIdKey] = userId.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The user id in the marker, when the marker is this installation's; otherwise null.</summary>
    public static long? UserIdOf(IReadOnlyDictionary<string, string>? metadata, string? installationId) =>
        installationId is not null && metadata is not null
        && metadata.TryGetValue(InstallationKey, out var installation) && installation == installationId
        && metadata.TryGetValue(UserIdKey, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}
