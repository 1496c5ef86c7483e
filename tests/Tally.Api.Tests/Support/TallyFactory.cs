using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Tests.Support;

/// <summary>Tally in-process over HTTP, on a fresh database built by its migrations, with real JWT validation.</summary>
public class TallyFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private TestDatabase? database;

    /// <summary>The host's database, for a CLI verb run against it (<see cref="TallyProcess"/>).</summary>
    public string DatabaseUrl => database!.Url;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async ValueTask InitializeAsync()
    {
        // Tally reads environment variables over the settings below: none may have come back since start-up.
        HermeticEnvironment.RemoveTallySettings();
        database = await TestDatabase.CreateAsync();
        StartHost();
    }

    /// <summary>Starts the host now, so migrations run here and not inside the first test.</summary>
    protected virtual void StartHost() => _ = Server;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DATABASE_URL", database!.Url);
        // Never Tally's default address (localhost:8000): the developer's own Tally may be listening there, and
        // serve refuses a taken address. Port 0 is never checked; hosts on Kestrel name their own port.
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("TALLY_JWT_SIGNING_KEY", TestTokens.SigningKey);
        builder.UseSetting("TALLY_ADMIN_EMAILS", TestTokens.AdminEmail);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // No Stripe unless a fixture says so: nothing listens on the discard port, so a stray call fails fast.
        builder.UseSetting("STRIPE_SECRET_KEY", "sk_test_not_used");
        builder.UseSetting("STRIPE_WEBHOOK_SECRET", "whsec_not_used");
        builder.UseSetting("STRIPE_API_BASE", "http://127.0.0.1:9");
        // Lost provisioning races are expected and handled; EF still logs them as errors.
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Critical");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient ClientFor(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A client for a fresh user with the given role (provisioned, then promoted through the database).</summary>
    public async Task<(HttpClient Client, long UserId)> ClientWithRoleAsync(string role, string? subject = null)
    {
        subject ??= $"{role}-{Guid.NewGuid():N}";
        var client = ClientFor(TestTokens.For(subject, $"{subject}@example.com"));
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", Json, TestContext.Current.CancellationToken);
        var id = me.GetProperty("id").GetInt64();
        if (role != "viewer")
        {
            await WithDbAsync(async db =>
            {
                var user = await db.Set<User>().FindAsync([id], TestContext.Current.CancellationToken);
                user!.Role = Enum.Parse<Tally.Api.Infrastructure.Auth.Role>(role, ignoreCase: true);
                await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            });
            Services.GetRequiredService<Features.Users.UserDirectory>().Invalidate(subject);
        }

        return (client, id);
    }

    internal async Task WithDbAsync(Func<TallyDbContext, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<TallyDbContext>());
    }

    internal async Task<T> WithDbAsync<T>(Func<TallyDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TallyDbContext>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
