using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;
using Tally.Api.Infrastructure.OpenApi;

namespace Tally.Api.Features.Users;

internal static class UserEndpoints
{
    public static void MapUsers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", GetMe).WithTags("Users").WithName("GetMe").RequireRole(Role.Viewer);

        var admin = app.MapGroup("/api/admin/users").WithTags("Users").RequireRole(Role.Admin);
        admin.MapGet("/", ListUsersAsync).WithName("ListUsers").ProducesProblems(400);
        admin.MapPut("/{id:long}/role", ChangeRoleAsync).WithName("ChangeUserRole").ProducesProblems(400, 404, 409, 413, 415);
        app.MapGet("/api/admin/audit", AuditEndpoints.ListAsync).WithTags("Users").WithName("ListAuditLog").RequireRole(Role.Admin)
            .WithSummary("The audit log, newest first (role changes, customer links).").ProducesProblems(400);
    }

    private static Ok<MeResponse> GetMe(HttpContext http)
    {
        var me = http.CurrentUser();
        return TypedResults.Ok(new MeResponse(me.Id, me.Email, me.FullName, me.Role.ToName(), me.StripeCustomerId));
    }

    private static async Task<Results<Ok<Page<UserResponse>>, ProblemHttpResult>> ListUsersAsync(
        TallyDbContext db, int? limit, string? cursor, string? role, string? q, CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, cursor, "users", out var page, out var problem))
        {
            return problem!;
        }

        var query = db.Set<User>().AsNoTracking();
        if (role is not null)
        {
            if (!Roles.TryParse(role, out var filter))
            {
                return Problems.Validation("role", $"must be one of {Roles.AllNames}.");
            }

            query = query.Where(u => u.Role == filter);
        }

        if (q is not null)
        {
            if (q.Trim().Length is 0 or > 320)
            {
                return Problems.Validation("q", "must be 1 to 320 characters.");
            }

            // Emails are matched case-insensitively, anywhere in the address.
            var needle = q.Trim().ToLowerInvariant();
            query = query.Where(u => u.Email != null && u.Email.ToLower().Contains(needle));
        }

        if (page.After is { } after)
        {
            query = query.Where(u => u.Id > after);
        }

        var rows = await query.OrderBy(u => u.Id).Take(page.Limit + 1).ToListAsync(ct);
        return TypedResults.Ok(page.ToPage(rows, u => u.Id, u => u.ToResponse()));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> ChangeRoleAsync(
        long id, ChangeRoleRequest body, ClaimsPrincipal principal, RoleChanges changes, CancellationToken ct)
    {
        if (body.Role is null)
        {
            return Problems.Validation("role", "is required.");
        }

        if (!Roles.TryParse(body.Role, out var role))
        {
            return Problems.Validation("role", $"must be one of {Roles.AllNames}.");
        }

        var (outcome, user) = await changes.ChangeAsync(q => q.Where(u => u.Id == id), role, principal.UserId(), principal.Actor(), ct);
        return outcome switch
        {
            RoleChangeOutcome.NotFound => Problems.NotFound("user_not_found", $"No user has id {id}."),
            RoleChangeOutcome.LastAdmin => Problems.Conflict("last_admin", "The last admin cannot be demoted; promote another admin first."),
            _ => TypedResults.Ok(user!.ToResponse()),
        };
    }
}
