namespace Tally.StripeEmulator.Core;

/// <summary>Stripe-style opaque ids: a prefix and a random base62 tail.</summary>
internal static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24)
    {
        Span<char> tail = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            tail[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        }

        return string.Concat(prefix, tail);
    }

    /// <summary>Upper-case alphanumerics, like a generated coupon id or invoice prefix.</summary>
    public static string Upper(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[Random.Shared.Next(36)];
        }

        return new string(chars);
    }
}
