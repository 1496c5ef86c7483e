using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Infrastructure.Http;

/// <summary>The list shape of every endpoint: <c>{data, has_more, next_cursor}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, bool HasMore, string? NextCursor);

/// <summary>
/// <c>?limit=</c> (1–100, default 20) and an opaque <c>?cursor=</c> naming the list and the last key seen:
/// a cursor from one list is refused by another.
/// </summary>
internal readonly record struct PageRequest(int Limit, long? After, string List)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <param name="list">The list's name, written into its cursors (e.g. <c>users</c>).</param>
    public static bool TryParse(int? limit, string? cursor, string list, out PageRequest request, out ProblemHttpResult? problem)
    {
        request = default;
        problem = null;
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            problem = Problems.Validation("limit", $"must be between 1 and {MaxLimit}.");
            return false;
        }

        long? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!TryDecode(cursor, list, out var key))
            {
                problem = Problems.Validation("cursor", "is not a cursor returned by this endpoint.");
                return false;
            }

            after = key;
        }

        request = new PageRequest(size, after, list);
        return true;
    }

    /// <summary>Builds the page from up to <c>Limit + 1</c> rows fetched in key order.</summary>
    public Page<T> ToPage<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, long> key, Func<TRow, T> map)
    {
        var hasMore = rows.Count > Limit;
        var data = rows.Take(Limit).Select(map).ToList();
        var next = hasMore ? Encode(List, key(rows[Limit - 1])) : null;
        return new Page<T>(data, hasMore, next);
    }

    private static string Encode(string list, string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{list}:{key}"));

    private static string Encode(string list, long key) => Encode(list, key.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static bool TryDecode(string cursor, string list, out long key)
    {
        key = 0;
        return TryDecodeText(cursor, list, out var text) && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out key);
    }

    /// <summary>The key a cursor of <paramref name="list"/> carries; false for anything else (another list's cursor too).</summary>
    private static bool TryDecodeText(string cursor, string list, out string? key)
    {
        key = null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (!text.StartsWith(list + ":", StringComparison.Ordinal))
            {
                return false;
            }

            key = text[(list.Length + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
