using System.Net;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Tally.Api.Features.Dashboard;

/// <summary>
/// The dashboard's HTML: one shell (<c>web/index.html</c>, copied to <c>bin/…/dashboard/</c>) for every page,
/// which loads the page's ES module, and the few server-rendered pages (sign-in, not allowed, not found).
/// </summary>
internal sealed class DashboardPages
{
    public static readonly string[] Names = ["overview", "subscriptions", "customers", "usage", "health"];

    /// <summary>Scripts, styles and chart.js from the same origin only; no inline script, no framing.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private readonly FileExtensionContentTypeProvider contentTypes = new();
    private readonly Lazy<string> shell;

    public DashboardPages()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "dashboard");
        Assets = Directory.Exists(root) ? new PhysicalFileProvider(root) : new NullFileProvider();
        shell = new Lazy<string>(() => File.ReadAllText(Path.Combine(root, "index.html")));
    }

    public IFileProvider Assets { get; }

    public string ContentType(string path) => contentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";

    public IResult Shell(HttpContext http, string page, string csrf, string who) => Html(http, 200, shell.Value
        .Replace("{{page}}", page, StringComparison.Ordinal)
        .Replace("{{csrf}}", WebUtility.HtmlEncode(csrf), StringComparison.Ordinal)
        .Replace("{{who}}", WebUtility.HtmlEncode(who), StringComparison.Ordinal));

    public IResult SignIn(HttpContext http, int status, string csrf, string? message) => Html(http, status, Page("Sign in", $"""
        <h1>Sign in to the Tally dashboard</h1>
        {(message is null ? "" : $"<p class=\"notice\" role=\"alert\">{WebUtility.HtmlEncode(message)}</p>")}
        <p>Use the one-time link that <code>serve</code> prints in emulator mode, or paste a bearer token
        (<code>dotnet run --project src/Tally.Api -- token --email you@example.com</code>).</p>
        <form method="post" action="/dashboard/signin" class="signin">
          <input type="hidden" name="csrf_token" value="{WebUtility.HtmlEncode(csrf)}">
          <label for="token">Bearer token</label>
          <textarea id="token" name="token" rows="4" required autocomplete="off" spellcheck="false"></textarea>
          <button type="submit">Sign in</button>
        </form>
        """));

    public IResult NotAllowed(HttpContext http, string who, string role, string csrf) => Html(http, 403, Page("Not allowed", $"""
        <h1 id="not-allowed">Not allowed</h1>
        <p>You are signed in as <strong>{WebUtility.HtmlEncode(who)}</strong> with the role <strong>{WebUtility.HtmlEncode(role)}</strong>.
        The dashboard is for admins only; ask an admin to change your role
        (<code>PUT /api/admin/users/ID/role</code>), then reload this page.</p>
        <form method="post" action="/dashboard/signout">
          <input type="hidden" name="csrf_token" value="{WebUtility.HtmlEncode(csrf)}">
          <button type="submit">Sign out</button>
        </form>
        """));

    public IResult NotFound(HttpContext http) => Html(http, 404, Page("Not found", """
        <h1>Not found</h1><p>There is no such dashboard page. <a href="/dashboard">Go to the overview</a>.</p>
        """));

    private static string Page(string title, string body) => $"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>{title} · Tally</title>
          <link rel="stylesheet" href="/dashboard/assets/dashboard.css">
        </head>
        <body class="plain"><main>
        {body}
        </main></body>
        </html>
        """;

    private static IResult Html(HttpContext http, int status, string html)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
