namespace Tally.StripeEmulator.Core;

internal delegate ApiResult ApiHandler(ApiRequest request);

internal enum RouteAuth
{
    /// <summary>Needs an <c>sk_test_</c> key; the handler runs under the account lock.</summary>
    ApiKey,

    /// <summary>No key check and no lock (public URLs, session-token routes): the handler locks what it touches.</summary>
    None,
}

/// <summary>
/// Method + path templates (<c>/v1/customers/{id}</c>) to handlers. Literal segments win over
/// <c>{parameters}</c>, so <c>/v1/customers/search</c> can coexist with <c>/v1/customers/{id}</c>.
/// </summary>
internal sealed class RouteTable
{
    private readonly List<Route> routes = [];

    internal sealed record Route(string Method, string[] Segments, int Literals, ApiHandler Handler, RouteAuth Auth)
    {
        /// <summary><c>POST /v1/customers/{id}</c>: the key of the route's accepted parameters in <see cref="ParameterSchema"/>.</summary>
        public string Key { get; } = Method + " /" + string.Join('/', Segments);
    }

    internal IReadOnlyList<Route> All
    {
        get
        {
            lock (routes)
            {
                return [.. routes];
            }
        }
    }

    public RouteTable Get(string template, ApiHandler handler, RouteAuth auth = RouteAuth.ApiKey) => Map("GET", template, handler, auth);

    public RouteTable Post(string template, ApiHandler handler, RouteAuth auth = RouteAuth.ApiKey) => Map("POST", template, handler, auth);

    public RouteTable Delete(string template, ApiHandler handler, RouteAuth auth = RouteAuth.ApiKey) => Map("DELETE", template, handler, auth);

    public RouteTable Map(string method, string template, ApiHandler handler, RouteAuth auth = RouteAuth.ApiKey)
    {
        var segments = template.Trim('/').Split('/');
        var literals = segments.Count(s => !s.StartsWith('{'));
        lock (routes)
        {
            routes.Add(new Route(method, segments, literals, handler, auth));
            routes.Sort((a, b) => b.Literals.CompareTo(a.Literals));
        }
        return this;
    }

    internal (Route Route, Dictionary<string, string> Values)? Match(string method, string path)
    {
        var parts = path.Trim('/').Split('/');
        foreach (var route in routes)
        {
            if (route.Method != method || route.Segments.Length != parts.Length)
            {
                continue;
            }

            Dictionary<string, string>? values = null;
            var ok = true;
            for (var i = 0; i < parts.Length && ok; i++)
            {
                var seg = route.Segments[i];
                if (seg.StartsWith('{'))
                {
                    if (parts[i].Length == 0)
                    {
                        ok = false;
                    }
                    else
                    {
                        (values ??= new(StringComparer.Ordinal))[seg[1..^1]] = Uri.UnescapeDataString(parts[i]);
                    }
                }
                else if (!string.Equals(seg, parts[i], StringComparison.Ordinal))
                {
                    ok = false;
                }
            }
            if (ok)
            {
                return (route, values ?? new(StringComparer.Ordinal));
            }
        }
        return null;
    }
}
