using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tally.StripeEmulator.Core;

/// <summary>Bearer or Basic (<c>-u sk_test_...:</c>) credentials; any <c>sk_test_</c>/<c>rk_test_</c> key is an account.</summary>
internal static class ApiKeys
{
    public static Account Authenticate(Emulator emulator, string? credential)
    {
        if (string.IsNullOrEmpty(credential))
        {
            throw new StripeError(401, "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.");
        }

        if (!credential.StartsWith("sk_test_", StringComparison.Ordinal) && !credential.StartsWith("rk_test_", StringComparison.Ordinal) || credential.Length < 9)
        {
            throw new StripeError(401, "invalid_request_error", $"Invalid API Key provided: {Mask(credential)}");
        }

        return emulator.AccountFor(credential);
    }

    private static string Mask(string key) =>
        key.Length <= 12 ? new string('*', key.Length) : key[..8] + new string('*', key.Length - 12) + key[^4..];

    public static string? Credential(HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(auth))
        {
            return null;
        }

        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return auth[7..].Trim();
        }

        if (auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
                var colon = decoded.IndexOf(':');
                return colon < 0 ? decoded : decoded[..colon];
            }
            catch (FormatException) { return ""; }
        }
        return auth.Trim();
    }
}
