using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Tally.Api.Infrastructure.Auth;

/// <summary>
/// One-time sign-in codes for the dashboard link that <c>serve</c> prints in emulator mode: 256 random
/// bits, kept in memory as their SHA-256 only, valid for <see cref="Lifetime"/> and redeemable once
/// (a restart forgets them).
/// </summary>
internal sealed class SignInCodes(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly ConcurrentDictionary<string, DateTimeOffset> live = new(StringComparer.Ordinal);

    public string Issue()
    {
        var code = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        foreach (var expired in live.Where(e => e.Value <= now).Select(e => e.Key).ToList())
        {
            live.TryRemove(expired, out _);
        }

        live[Hash(code)] = now + Lifetime;
        return code;
    }

    /// <summary>True once for a live code: the code is spent whether or not the sign-in then succeeds.</summary>
    public bool TryRedeem(string? code) =>
        !string.IsNullOrEmpty(code) && code.Length <= 100 && live.TryRemove(Hash(code), out var expires) && expires > clock.GetUtcNow();

    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
