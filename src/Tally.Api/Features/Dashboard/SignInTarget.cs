using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Dashboard;

/// <summary>
/// Whom the printed sign-in link signs in, decided when the link is used: the local admin
/// (<c>admin@localhost</c>, zero-configuration mode) while it is an admin, otherwise the earliest admin
/// that has signed in at least once (a user created by email only has no subject to hold a session).
/// </summary>
internal sealed class SignInTarget(TallyDbContext db)
{
    public async Task<(string Subject, string? Email)?> FindAsync(CancellationToken ct)
    {
        var admins = db.Set<User>().AsNoTracking().Where(u => u.Role == Role.Admin && u.Subject != null);
        var admin = await admins.Where(u => u.Subject == LocalAdmin.LocalAdminSubject).Select(u => new { u.Subject, u.Email }).FirstOrDefaultAsync(ct)
            ?? await admins.OrderBy(u => u.Id).Select(u => new { u.Subject, u.Email }).FirstOrDefaultAsync(ct);
        return admin is null ? null : (admin.Subject!, admin.Email);
    }
}
