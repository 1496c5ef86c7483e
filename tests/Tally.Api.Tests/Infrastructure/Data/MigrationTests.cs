using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Data;

public sealed class MigrationTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void SqliteModel_HasNoChangesWithoutAMigration()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Add a SQLite migration (see TallyDbContext's doc comment).");
    }

    [Fact]
    public void PostgresModel_HasNoChangesWithoutAMigration()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Add a PostgreSQL migration (see TallyDbContext's doc comment).");
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrations()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);

        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]);

        Assert.Equal(Names(sqlite), Names(postgres));
    }

    [Fact]
    public async Task Migrations_BuildTheSchemaFromEmpty()
    {
        var (applied, all) = await factory.WithDbAsync(async db =>
            ((await db.Database.GetAppliedMigrationsAsync(Ct)).ToList(), db.Database.GetMigrations().ToList()));

        Assert.NotEmpty(all);
        Assert.Equal(all, applied);
        await factory.WithDbAsync(async db =>
            Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM audit_log").SingleAsync(Ct)));

        // The users table the migrations built is the one the app writes: a user provisioned by a
        // first request is there, once, under the columns the migrations named.
        var subject = $"migrated-{Guid.NewGuid():N}";
        var email = $"{subject}@example.com";
        Assert.Equal(0, await UsersNamedAsync(subject, email));
        var me = await factory.ClientFor(TestTokens.For(subject, email)).GetAsync("/api/me", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(1, await UsersNamedAsync(subject, email));
    }

    private Task<int> UsersNamedAsync(string subject, string email) => factory.WithDbAsync(db => db.Database
        .SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM users WHERE subject = {subject} AND email = {email} AND role = 'viewer'").SingleAsync(Ct));

    [Fact]
    public async Task UniqueIndexes_AreEnforcedByTheDatabase()
    {
        var email = $"dup-{Guid.NewGuid():N}@example.com";
        await factory.WithDbAsync(async db =>
        {
            db.Set<User>().Add(new Features.Users.User { Email = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Ct);
        });

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => factory.WithDbAsync(async db =>
        {
            db.Set<User>().Add(new Features.Users.User { Email = email, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Ct);
        }));
        Assert.True(error.IsUniqueViolation());
    }

    [Fact]
    public async Task NewUser_GetsTheViewerRoleByDefault_InTheSchema()
    {
        var email = $"default-{Guid.NewGuid():N}@example.com";
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"INSERT INTO users (email, created_at, updated_at, version) VALUES ({email}, {DateTimeOffset.UtcNow}, {DateTimeOffset.UtcNow}, 0)", Ct));

        var role = await factory.WithDbAsync(db => db.Set<User>().Where(u => u.Email == email).Select(u => u.Role).SingleAsync(Ct));

        Assert.Equal(Tally.Api.Infrastructure.Auth.Role.Viewer, role);
    }
}
