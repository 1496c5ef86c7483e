using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Features.Dashboard;

/// <summary>
/// <c>/dashboard</c>: the pages (admins; others get the not-allowed page), sign-in by one-time code or
/// bearer token, sign-out, and the static assets. The data comes from the <c>/api/admin/*</c> endpoints,
/// which accept the session cookie (<c>docs/adr/0014</c>).
/// </summary>
internal static class DashboardEndpoints
{
    public static void MapDashboard(this WebApplication app)
    {
        var group = app.MapGroup("/dashboard").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("", (HttpContext http, DashboardPages pages, IAntiforgery af) => Show(http, "overview", pages, af));
        group.MapGet("/{page}", Show);
        group.MapGet("/signin", SignInWithCodeAsync);
        group.MapPost("/signin", SignInWithTokenAsync);
        group.MapPost("/signout", (Delegate)SignOutAsync);
        group.MapGet("/assets/{**path}", Asset);
    }

    private static IResult Show(HttpContext http, string page, DashboardPages pages, IAntiforgery af)
    {
        if (!DashboardPages.Names.Contains(page, StringComparer.Ordinal))
        {
            return pages.NotFound(http);
        }

        if (http.User.Identity?.IsAuthenticated != true)
        {
            return TypedResults.Redirect("/dashboard/signin");
        }

        var who = http.User.Actor();
        var csrf = af.GetAndStoreTokens(http).RequestToken!;
        return http.User.HasAtLeast(Role.Admin)
            ? pages.Shell(http, page, csrf, who)
            : pages.NotAllowed(http, who, http.User.Role().ToName(), csrf);
    }

    private static async Task<IResult> SignInWithCodeAsync(string? code, HttpContext http, SignInCodes codes, SignInTarget target,
        DashboardPages pages, IAntiforgery af, CancellationToken ct)
    {
        if (code is null)
        {
            return pages.SignIn(http, 200, af.GetAndStoreTokens(http).RequestToken!, null);
        }

        if (!codes.TryRedeem(code))
        {
            return pages.SignIn(http, 400, af.GetAndStoreTokens(http).RequestToken!,
                "This sign-in link has been used already or has expired. Restart serve for a new one, or sign in with a token.");
        }

        if (await target.FindAsync(ct) is not var (subject, email))
        {
            return pages.SignIn(http, 409, af.GetAndStoreTokens(http).RequestToken!,
                "There is no admin to sign in yet: make one (users set-role --role admin) and sign in with its token.");
        }

        await SessionAuth.SignInAsync(http, subject, email);
        return TypedResults.Redirect("/dashboard");
    }

    /// <summary>Exchanges a bearer token (form field <c>token</c> or the Authorization header) for a session.</summary>
    private static async Task<IResult> SignInWithTokenAsync(HttpContext http, DashboardPages pages, IAntiforgery af, CancellationToken ct)
    {
        if (http.Request.Headers.Authorization.Count == 0)
        {
            // A browser form: the antiforgery token keeps another site from signing the browser into its own account.
            if (!SessionAuth.UsesSession(http) && !await af.IsRequestValidAsync(http))
            {
                return Problems.Result(StatusCodes.Status403Forbidden, "csrf_token_invalid", "The sign-in form's antiforgery token is missing or invalid.");
            }

            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
            var token = form?["token"].ToString().Trim();
            if (string.IsNullOrEmpty(token))
            {
                return pages.SignIn(http, 400, af.GetAndStoreTokens(http).RequestToken!, "Paste a bearer token.");
            }

            http.Request.Headers.Authorization = "Bearer " + token;
        }

        // A fresh bearer handler: the request's own one has already answered (and cached) "no token" for this request.
        var schemes = http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
        var bearer = ActivatorUtilities.CreateInstance<JwtBearerHandler>(http.RequestServices);
        await bearer.InitializeAsync((await schemes.GetSchemeAsync(JwtBearerDefaults.AuthenticationScheme))!, http);
        var result = await bearer.AuthenticateAsync();
        var subject = result.Principal?.FindFirst(TallyClaims.Subject)?.Value;
        if (!result.Succeeded || subject is null)
        {
            http.Request.Headers.Authorization = default;
            return pages.SignIn(http, 401, af.GetAndStoreTokens(http).RequestToken!, "That token is not valid here (expired, or not issued for this Tally).");
        }

        await SessionAuth.SignInAsync(http, subject, result.Principal!.FindFirst(TallyClaims.Email)?.Value);
        return TypedResults.Redirect("/dashboard", permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await SessionAuth.SignOutAsync(http);
        return TypedResults.Redirect("/dashboard/signin");
    }

    private static IResult Asset(string path, DashboardPages pages)
    {
        var file = pages.Assets.GetFileInfo(path);
        return file is { Exists: true, IsDirectory: false, PhysicalPath: not null }
            ? TypedResults.PhysicalFile(file.PhysicalPath, pages.ContentType(path), lastModified: file.LastModified)
            : Problems.NotFound("not_found", "No such dashboard asset.");
    }
}
