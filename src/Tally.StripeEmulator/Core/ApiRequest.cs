using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tally.StripeEmulator.Core;

/// <summary>One API call as a handler sees it: account, route values, parameters (form or JSON), expand.</summary>
internal sealed class ApiRequest
{
    internal ApiRequest(Emulator emulator, HttpContext http, string requestId, ParamNode parameters, JsonNode? jsonBody, IReadOnlyDictionary<string, string> routeValues)
    {
        Emulator = emulator;
        Http = http;
        RequestId = requestId;
        Params = new Params(parameters);
        JsonBody = jsonBody;
        RouteValues = routeValues;
        IdempotencyKey = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
    }

    public Emulator Emulator { get; }

    /// <summary>The account resolved from the API key; null only on routes mapped with <see cref="RouteAuth.None"/>.</summary>
    public Account? Account { get; internal set; }

    /// <summary>The account, for API-key routes.</summary>
    public Account Acct => Account ?? throw new InvalidOperationException("route has no account");

    public HttpContext Http { get; }

    public string Method => Http.Request.Method;

    public string Path => Http.Request.Path.Value ?? "/";

    public string RequestId { get; }

    public string? IdempotencyKey { get; }

    /// <summary>The bearer or basic credential as sent (for routes that authenticate themselves, e.g. v2 session tokens).</summary>
    public string? Credential { get; internal set; }

    public Params Params { get; }

    /// <summary>The parsed JSON body of a <c>/v2</c> request (also available through <see cref="Params"/>).</summary>
    public JsonNode? JsonBody { get; }

    public IReadOnlyDictionary<string, string> RouteValues { get; }

    public string Route(string name) => RouteValues[name];

    /// <summary><c>http://127.0.0.1:port</c> as the client reached us, for absolute URLs (invoice PDFs).</summary>
    public string BaseUrl => $"{Http.Request.Scheme}://{Http.Request.Host}";

    public IReadOnlyList<string> Expand => Params.Strings("expand");

    public DateTimeOffset Now => Account?.Now() ?? Emulator.Now;

    /// <summary>
    /// For <see cref="RouteAuth.None"/> routes: runs <paramref name="handle"/> under the account's lock
    /// and serializes its result there too (store objects must not be written outside the lock).
    /// </summary>
    public ApiResult Locked(Account account, Func<ApiResult> handle)
    {
        lock (account.Sync)
        {
            Account = account;
            account.CurrentRequest = this;
            try
            {
                var result = handle();
                return ApiResult.Raw(result.Body(), result.ContentType, result.Status);
            }
            finally
            {
                account.CurrentRequest = null;
            }
        }
    }

    /// <summary>An object response with this request's <c>expand[]</c> applied.</summary>
    public ApiResult Ok(JsonObject obj) => new ObjectResult(obj, Account, Expand);
}
