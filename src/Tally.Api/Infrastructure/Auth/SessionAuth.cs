using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Infrastructure.Auth;

/// <summary>
/// The browser session beside the bearer token (<c>docs/adr/0014</c>): a request with an
/// <c>Authorization</c> header is a bearer request, one with only the session cookie a session request.
/// The cookie holds the subject alone; the role is read per request through <see cref="IUserResolver"/>
/// (the same cache as bearer tokens), so a demoted admin loses admin pages at once on this instance.
/// Every state-changing session request needs the antiforgery token in <see cref="CsrfHeader"/>.
/// </summary>
internal static class SessionAuth
{
    public const string Scheme = "TallySession";
    public const string SelectorScheme = "Tally";
    public const string CookieName = "tally_session";
    public const string CsrfCookieName = "tally_csrf";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CsrfFormField = "csrf_token";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>Whether authentication reads this request's session cookie (no bearer header, a session cookie).</summary>
    public static bool UsesSession(HttpContext http) =>
        http.Request.Headers.Authorization.Count == 0 && http.Request.Cookies.ContainsKey(CookieName);

    public static AuthenticationBuilder AddTallySession(this AuthenticationBuilder auth)
    {
        // Keys in memory only: a restart signs every browser out (documented), and nothing is written to disk.
        auth.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        auth.Services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.FormFieldName = CsrfFormField;
            o.Cookie.Name = CsrfCookieName;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return auth
            .AddPolicyScheme(SelectorScheme, "Bearer token or dashboard session", o =>
                o.ForwardDefaultSelector = http => UsesSession(http) ? Scheme : JwtBearerDefaults.AuthenticationScheme)
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = Lifetime;
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = ValidateAsync,
                    OnRedirectToLogin = c => Problems.WriteAsync(c.HttpContext, StatusCodes.Status401Unauthorized, "unauthorized",
                        "The dashboard session has ended: sign in again."),
                    OnRedirectToAccessDenied = c => Problems.WriteAsync(c.HttpContext, StatusCodes.Status403Forbidden, "forbidden",
                        "Your role does not allow this action."),
                };
            });
    }

    /// <summary>The session principal for <paramref name="subject"/>: only what identifies the user, never the role.</summary>
    public static ClaimsPrincipal Principal(string subject, string? email)
    {
        var claims = new List<Claim> { new(TallyClaims.Subject, subject) };
        if (email is not null)
        {
            claims.Add(new Claim(TallyClaims.Email, email));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, TallyClaims.Subject, TallyClaims.RoleType));
    }

    /// <summary>Starts a session for <paramref name="subject"/> (sets the cookie on this response).</summary>
    public static Task SignInAsync(HttpContext http, string subject, string? email) =>
        http.SignInAsync(Scheme, Principal(subject, email), new AuthenticationProperties { IsPersistent = false });

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var identity = context.Principal?.Identity as ClaimsIdentity;
        var subject = identity?.FindFirst(TallyClaims.Subject)?.Value;
        if (identity is null || string.IsNullOrEmpty(subject))
        {
            context.RejectPrincipal();
            return;
        }

        var directory = context.HttpContext.RequestServices.GetRequiredService<IUserResolver>();
        var known = await directory.FindOrProvisionAsync(subject, identity.FindFirst(TallyClaims.Email)?.Value, null, context.HttpContext.RequestAborted);
        if (known is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        foreach (var claim in identity.FindAll(c => c.Type is TallyClaims.RoleType or TallyClaims.UserIdType).ToList())
        {
            identity.RemoveClaim(claim);
        }

        context.HttpContext.Items[typeof(KnownUser)] = known;
        identity.AddClaim(new Claim(TallyClaims.UserIdType, known.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(TallyClaims.RoleType, known.Role.ToName()));
    }

    /// <summary>
    /// Refuses a state-changing session request without a valid antiforgery token (header or form field)
    /// with 403 <c>csrf_token_invalid</c>; bearer requests are not affected (a browser never adds that header by itself).
    /// </summary>
    public static IApplicationBuilder UseTallySessionCsrf(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
            && !HttpMethods.IsTrace(http.Request.Method) && UsesSession(http))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                await Problems.WriteAsync(http, StatusCodes.Status403Forbidden, "csrf_token_invalid",
                    $"A dashboard request that changes state needs the antiforgery token in the {CsrfHeader} header.");
                return;
            }
        }

        await next(http);
    });
}
