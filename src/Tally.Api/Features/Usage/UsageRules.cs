using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tally.Api.Features.Usage;

/// <summary>A report that failed validation: the field, the stable code and what is wrong.</summary>
internal sealed record UsageProblem(int Status, string Code, string Param, string Message);

/// <summary>What a report must satisfy before it is stored (DESIGN.md "Usage pipeline rules"; Stripe's meter event limits).</summary>
internal static class UsageRules
{
    public const int MaxMetadataBytes = 4096;
    public const int MaxSignificantDigits = 15;

    /// <summary>Stripe accepts meter event timestamps up to 35 days back and 5 minutes ahead.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(35);
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    public static UsageProblem? CheckQuantity(decimal? quantity, bool allowNegative = false)
    {
        if (quantity is not { } q)
        {
            return Invalid("quantity", "is required.");
        }

        if (q == 0 || (!allowNegative && q < 0))
        {
            return Invalid("quantity", allowNegative ? "must not be 0." : "must be greater than 0.");
        }

        return SignificantDigits(q) > MaxSignificantDigits
            ? Invalid("quantity", $"has more than {MaxSignificantDigits} significant digits.")
            : null;
    }

    public static UsageProblem? CheckTimestamp(DateTimeOffset timestamp, DateTimeOffset now)
    {
        if (timestamp < now - MaxAge)
        {
            return Invalid("timestamp", "is more than 35 days in the past (Stripe refuses older usage).");
        }

        return timestamp > now + MaxAhead ? Invalid("timestamp", "is more than 5 minutes in the future.") : null;
    }

    public static UsageProblem? CheckIdempotencyKey(string? key) =>
        key is not null && (key.Length is 0 or > 255 || key.Any(c => c is < ' ' or > '~'))
            ? Invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters.")
            : null;

    /// <summary>The metadata as compact JSON text (an object, or a string holding one), or a problem.</summary>
    public static UsageProblem? NormalizeMetadata(JsonElement? metadata, out string? json)
    {
        json = null;
        if (metadata is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(element.GetString()!);
                element = inner.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Invalid("metadata", "is a string that does not hold a JSON object.");
            }
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return Invalid("metadata", "must be a JSON object.");
        }

        json = JsonSerializer.Serialize(element);
        return Encoding.UTF8.GetByteCount(json) > MaxMetadataBytes ? Invalid("metadata", $"is larger than {MaxMetadataBytes} bytes.") : null;
    }

    /// <summary>
    /// What identifies a request for its idempotency key: the fields as sent (a missing timestamp stays
    /// missing, so a retry an hour later is still the same request).
    /// </summary>
    public static string RequestHash(long userId, decimal quantity, string? itemId, DateTimeOffset? timestamp, string? metadata) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            userId.ToString(System.Globalization.CultureInfo.InvariantCulture), Normalized(quantity).ToString(System.Globalization.CultureInfo.InvariantCulture),
            itemId ?? "", timestamp?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", metadata ?? ""))));

    /// <summary>The value without trailing zeros (PostgreSQL's numeric(30,12) gives 3.000000000000 for 3).</summary>
    public static decimal Normalized(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>Whole milliseconds: what both databases keep (SQLite's binary ticks hold 0.1 ms), so an answer built in memory equals one read back.</summary>
    public static DateTimeOffset Milliseconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    public static UsageProblem Invalid(string field, string message) => new(400, "validation_failed", field, message);

    /// <summary>Digits from the first non-zero one to the last one kept (trailing zeros of a fraction do not count; those of an integer do).</summary>
    private static int SignificantDigits(decimal value)
    {
        var normalized = Normalized(Math.Abs(value));
        return normalized.ToString(System.Globalization.CultureInfo.InvariantCulture).Replace(".", "", StringComparison.Ordinal).TrimStart('0').Length;
    }
}
