using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Infrastructure.Http;

/// <summary>The list shape of every endpoint: <c>{data, has_more, next_cursor}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, bool HasMore, string? NextCursor);

/// <summary><c>?limit=</c> (1–100, default 20) and an opaque <c>?cursor=</c> naming the last key seen.</summary>
internal readonly record struct PageRequest(int Limit, long? After)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static bool TryParse(int? limit, string? cursor, out PageRequest request, out ProblemHttpResult? problem)
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
            if (!TryDecode(cursor, out var key))
            {
                problem = Problems.Validation("cursor", "is not a cursor returned by this endpoint.");
                return false;
            }

            after = key;
        }

        request = new PageRequest(size, after);
        return true;
    }

    /// <summary>Builds the page from up to <c>Limit + 1</c> rows fetched in key order.</summary>
    public Page<T> ToPage<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, long> key, Func<TRow, T> map)
    {
        var hasMore = rows.Count > Limit;
        var data = rows.Take(Limit).Select(map).ToList();
        var next = hasMore ? Encode(key(rows[Limit - 1])) : null;
        return new Page<T>(data, hasMore, next);
    }

    private static string Encode(long key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("k:" + key));

    private static bool TryDecode(string cursor, out long key)
    {
        key = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith("k:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(2), out key);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
