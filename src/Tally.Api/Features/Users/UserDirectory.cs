using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Configuration;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Users;

/// <summary>
/// Maps a token subject to its user and role, provisioning unknown subjects. Lookups are cached
/// briefly; every change to a user made through Tally invalidates its entry on this instance at
/// once (other instances see it within <see cref="CacheLifetime"/>).
/// </summary>
internal sealed class UserDirectory(IServiceScopeFactory scopes, IMemoryCache cache, JwtSettings jwt, TimeProvider clock) : IUserResolver
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    public async Task<KnownUser?> FindOrProvisionAsync(string subject, string? email, string? fullName, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(Key(subject), out KnownUser? known))
        {
            return known;
        }

        known = await LoadOrCreateAsync(subject, email?.Trim().ToLowerInvariant(), fullName, cancellationToken);
        if (known is not null)
        {
            cache.Set(Key(subject), known, CacheLifetime);
        }

        return known;
    }

    public void Invalidate(string? subject)
    {
        if (subject is not null)
        {
            cache.Remove(Key(subject));
        }
    }

    private async Task<KnownUser?> LoadOrCreateAsync(string subject, string? email, string? fullName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Subject == subject, cancellationToken);
            if (existing is not null)
            {
                return ToKnown(existing);
            }

            var now = clock.GetUtcNow();
            var user = email is null ? null : await db.Set<User>().FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
            if (user?.Subject == subject)
            {
                return ToKnown(user!); // a concurrent request provisioned this subject a moment ago
            }

            if (user is { Subject: not null })
            {
                // The email belongs to another identity: refuse rather than merge two people.
                return null;
            }

            if (user is null)
            {
                user = new User
                {
                    Subject = subject,
                    Email = email,
                    FullName = fullName,
                    Role = email is not null && jwt.AdminEmails.Contains(email) ? Role.Admin : Role.Viewer,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.Set<User>().Add(user);
            }
            else
            {
                // A user known by email only (e.g. linked from Stripe) signs in for the first time.
                user.Subject = subject;
                user.FullName ??= fullName;
                user.Touch(now);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return ToKnown(user);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation() || ex is DbUpdateConcurrencyException)
            {
                // Another request provisioned the same subject first: read what it stored.
                db.ChangeTracker.Clear();
            }
        }

        return null;
    }

    private static KnownUser ToKnown(User u) => new(u.Id, u.Role, u.Email, u.FullName, u.StripeCustomerId);

    private static string Key(string subject) => "user-by-subject:" + subject;
}
