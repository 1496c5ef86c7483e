namespace Tally.Api.Infrastructure.Stripe;

internal static class StripeIds
{
    /// <summary>Stripe ids are short runs of letters, digits and underscores; anything else never reaches Stripe.</summary>
    public static bool IsWellFormed(string id, string? prefix = null) =>
        id.Length is > 0 and <= 255 && (prefix is null || id.StartsWith(prefix, StringComparison.Ordinal))
        && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
