using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary><c>GET /v1/customers/search</c>: a subset of Stripe's search language (exact matches joined by AND).</summary>
internal static partial class Customers
{
    [GeneratedRegex(@"^\s*(metadata\[\s*['""](?<key>[^'""]+)['""]\s*\]|(?<field>email|name|phone|description))\s*:\s*['""](?<value>[^'""]*)['""]\s*$")]
    private static partial Regex Clause();

    /// <summary>Search with <c>field:'value'</c> / <c>metadata['k']:'v'</c> clauses joined by AND (exact match).</summary>
    private static ApiResult Search(ApiRequest req)
    {
        var query = req.Params.Required("query");
        var tests = new List<Func<JsonObject, bool>>();
        foreach (var clause in Regex.Split(query, @"\s+AND\s+", RegexOptions.IgnoreCase))
        {
            var m = Clause().Match(clause);
            if (!m.Success)
            {
                throw StripeError.Invalid($"We were unable to parse your search query. Try again with a valid query: {clause}", "query");
            }

            var value = m.Groups["value"].Value;
            if (m.Groups["key"].Success)
            {
                var key = m.Groups["key"].Value;
                tests.Add(c => c["metadata"] is JsonObject meta && (string?)meta[key] == value);
            }
            else
            {
                var field = m.Groups["field"].Value;
                tests.Add(c => string.Equals(Json.Str(c, field), value, StringComparison.OrdinalIgnoreCase));
            }
        }
        var limit = Lists.Limit(req.Params);
        var (page, hasMore) = req.Acct.Store["customer"].Page(limit, null, null, c => tests.All(t => t(c)));
        var account = req.Acct;
        return ApiResult.Raw(ApiResult.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "search_result");
            w.WriteStartArray("data");
            foreach (var c in page)
            {
                account.Emulator.Expansions.Render(account, c, []).WriteTo(w);
            }

            w.WriteEndArray();
            w.WriteBoolean("has_more", hasMore);
            w.WriteNull("next_page");
            w.WriteString("url", "/v1/customers/search");
            w.WriteEndObject();
        }), "application/json");
    }
}
