using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tally.E2E.Tests.Support;

/// <summary>HS256 bearer tokens signed with the test's key, minted here independently of Tally's own issuer.</summary>
public static class Jwt
{
    public static string Sign(string key, string subject, string email)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = subject, ["email"] = email, ["iss"] = "tally", ["aud"] = "tally", ["iat"] = now, ["nbf"] = now - 60, ["exp"] = now + 3600,
        }));
        var signature = Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
