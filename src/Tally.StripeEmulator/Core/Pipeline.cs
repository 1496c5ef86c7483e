using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tally.StripeEmulator.Core;

/// <summary>
/// The whole transport: outage and faults, routing, body parsing, auth, idempotency, the handler
/// under the account lock, the response with <c>Request-Id</c>. Errors leave as Stripe's error shape.
/// </summary>
internal sealed class Pipeline(Emulator emulator)
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    public async Task HandleAsync(HttpContext ctx)
    {
        var control = emulator.Control;
        var requestId = Ids.New("req_", 14);
        var method = ctx.Request.Method;
        var path = ctx.Request.Path.Value ?? "/";
        var query = ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : "";
        var body = await ReadBodyAsync(ctx);
        var isJson = ctx.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
        var record = new RecordedRequest
        {
            RequestId = requestId, Method = method, Path = path, Query = query, Body = body,
            IdempotencyKey = ctx.Request.Headers["Idempotency-Key"].FirstOrDefault(),
            ReceivedAt = emulator.Now,
            Form = FlatPairs(isJson ? query : string.IsNullOrEmpty(query) ? body : body.Length == 0 ? query : query + "&" + body),
        };
        control.Record(record);
        ctx.Response.Headers["Request-Id"] = requestId;
        ctx.Response.Headers["Stripe-Version"] = StripeApi.Version;

        if (control.Outage == OutageMode.DropConnection)
        { ctx.Abort(); return; }
        if (control.Outage == OutageMode.ServiceUnavailable)
        {
            await WriteErrorAsync(ctx, record, new StripeError(503, "api_error", "Stripe is temporarily unavailable (emulated outage).") { ShouldRetry = true }, requestId);
            return;
        }
        var (fault, latency, hold) = control.Evaluate(method, path);
        switch (fault)
        {
            case FaultKind.DropConnection:
                ctx.Abort();
                return;
            case FaultKind.ServerError:
                await WriteErrorAsync(ctx, record, new StripeError(500, "api_error", "An unknown error occurred (emulated fault).") { ShouldRetry = true }, requestId);
                return;
            case FaultKind.RateLimit:
                await WriteErrorAsync(ctx, record, new StripeError(429, "invalid_request_error", "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit"), requestId);
                return;
            case FaultKind.PermissionDenied:
                await WriteErrorAsync(ctx, record, new StripeError(403, "permission_error", "The provided key does not have the required permissions for this endpoint (emulated fault)."), requestId);
                return;
        }

        try
        {
            await HandleRouteAsync(ctx, record, requestId, method, path, query, body, isJson, latency, hold);
        }
        catch (StripeError e)
        {
            await WriteErrorAsync(ctx, record, e, requestId);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ctx.Response.HasStarted)
        {
            await Console.Error.WriteLineAsync($"stripe-emulator: {method} {path} failed: {e}");
            await WriteErrorAsync(ctx, record, new StripeError(500, "api_error", "An unknown error occurred."), requestId);
        }
    }

    private async Task HandleRouteAsync(HttpContext ctx, RecordedRequest record, string requestId, string method, string path,
        string query, string body, bool isJson, TimeSpan latency, Task? hold)
    {
        var match = emulator.Routes.Match(method, path)
            ?? throw new StripeError(404, "invalid_request_error", $"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
        var (route, values) = match;

        var parameters = ParamNode.ParseForm(query);
        JsonNode? json = null;
        if (isJson || (path.StartsWith("/v2/", StringComparison.Ordinal) && body.TrimStart().StartsWith('{')))
        {
            try
            { json = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body); }
            catch (JsonException) { throw StripeError.Invalid("Invalid JSON received."); }
            foreach (var (k, child) in ParamNode.FromJson(json).Children)
            {
                parameters.Attach(k, child);
            }
        }
        else if (body.Length > 0)
        {
            parameters = ParamNode.ParseForm(query.Length == 0 ? body : query + "&" + body);
        }

        var req = new ApiRequest(emulator, ctx, requestId, parameters, json, values) { Credential = ApiKeys.Credential(ctx) };
        if (emulator.Options.StrictApiVersion && ctx.Request.Headers["Stripe-Version"].FirstOrDefault() is { } v && v != StripeApi.Version)
        {
            throw StripeError.Invalid($"Invalid Stripe API version: {v}", code: "api_version_invalid");
        }

        if (route.Auth == RouteAuth.None)
        {
            ParameterSchema.Shared.Validate(route.Key, parameters);
            var open = route.Handler(req);
            await WriteAsync(ctx, record, open.Status, open.ContentType, open.Body());
            return;
        }

        var account = ApiKeys.Authenticate(emulator, req.Credential);
        req.Account = account;
        ParameterSchema.Shared.Validate(route.Key, parameters);
        IdempotencyCache.Entry? entry = null;
        var key = method == "POST" ? req.IdempotencyKey : null;
        if (key is not null)
        {
            ctx.Response.Headers["Idempotency-Key"] = key;
            IdempotencyCache.Outcome outcome;
            lock (account.Sync)
            {
                (outcome, entry) = account.Idempotency.Begin(key, method + " " + path + " " + parameters.Fingerprint(), emulator.Now, requestId);
            }

            switch (outcome)
            {
                case IdempotencyCache.Outcome.Replay:
                    ctx.Response.Headers["Idempotent-Replayed"] = "true";
                    ctx.Response.Headers["Original-Request"] = entry!.RequestId;
                    await WriteAsync(ctx, record, entry.Status, entry.ContentType, entry.Body);
                    return;
                case IdempotencyCache.Outcome.Mismatch:
                    throw new StripeError(400, "idempotency_error",
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");
                case IdempotencyCache.Outcome.InFlight:
                    throw new StripeError(409, "idempotency_error",
                        "There is currently another in-progress request using this Stripe token (probably means you clicked twice, and the other request is still going through). Try again later.",
                        "idempotency_key_in_use")
                    { ShouldRetry = true };
            }
        }

        try
        {
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, ctx.RequestAborted);
            }

            if (hold is not null)
            {
                await hold.WaitAsync(ctx.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away before the handler ran: free its key so a retry is not stuck on 409.
            if (entry is not null)
            {
                lock (account.Sync)
                {
                    account.Idempotency.Abandon(key!, entry);
                }
            }

            throw;
        }

        int status;
        string contentType;
        byte[] bytes;
        lock (account.Sync)
        {
            account.CurrentRequest = req;
            try
            {
                var result = route.Handler(req);
                bytes = result.Body();
                status = result.Status;
                contentType = result.ContentType;
            }
            catch (StripeError e)
            {
                status = e.Status;
                contentType = "application/json";
                bytes = ApiResult.Write(w => e.ToJson(requestId).WriteTo(w));
                if (e.ShouldRetry is { } retry)
                {
                    ctx.Response.Headers["Stripe-Should-Retry"] = retry ? "true" : "false";
                }
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"stripe-emulator: {method} {path} failed: {e}");
                status = 500;
                contentType = "application/json";
                bytes = ApiResult.Write(w => new StripeError(500, "api_error", "An unknown error occurred.").ToJson(requestId).WriteTo(w));
            }
            finally
            {
                account.CurrentRequest = null;
            }
            if (entry is not null)
            {
                if (status is 400 or 401 or 409 or 429)
                {
                    account.Idempotency.Abandon(key!, entry);
                }
                else
                {
                    account.Idempotency.Complete(entry, status, contentType, bytes);
                }
            }
        }
        if ((status == 200 && method != "GET") || entry is not null)
        {
            emulator.MarkDirty();
        }

        await WriteAsync(ctx, record, status, contentType, bytes);
    }

    private static async Task<string> ReadBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength == 0)
        {
            return "";
        }

        using var reader = new StreamReader(ctx.Request.Body, Utf8);
        return await reader.ReadToEndAsync(ctx.RequestAborted);
    }

    private static List<KeyValuePair<string, string>> FlatPairs(string form)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(form))
        {
            return list;
        }

        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            list.Add(new(System.Net.WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]), System.Net.WebUtility.UrlDecode(eq < 0 ? "" : pair[(eq + 1)..])));
        }
        return list;
    }

    private Task WriteErrorAsync(HttpContext ctx, RecordedRequest record, StripeError error, string requestId)
    {
        if (error.ShouldRetry is { } retry)
        {
            ctx.Response.Headers["Stripe-Should-Retry"] = retry ? "true" : "false";
        }

        return WriteAsync(ctx, record, error.Status, "application/json", ApiResult.Write(w => error.ToJson(requestId).WriteTo(w)));
    }

    private async Task WriteAsync(HttpContext ctx, RecordedRequest record, int status, string contentType, byte[] body)
    {
        record.Status = status;
        if (emulator.Options.RequestLog is { } log)
        {
            lock (log)
            {
                log.WriteLine($"{record.Method} {record.Path} {status} {record.RequestId}");
            }
        }
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }
}
