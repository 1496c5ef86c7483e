using Microsoft.Extensions.Configuration;
using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Tests.Infrastructure.Configuration;

public sealed class ConfigurationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tally-config-").FullName;

    private TallySettings Load(params (string Key, string Value)[] values)
    {
        var data = values.ToDictionary(v => v.Key, v => (string?)v.Value);
        data.TryAdd("DATABASE_URL", Path.Combine(directory, "tally.db"));
        return TallySettings.Load(new ConfigurationBuilder().AddInMemoryCollection(data).Build());
    }

    [Theory]
    [InlineData("TALLY_JWT_SIGNING_KEY", "too-short")]
    [InlineData("DATABASE_URL", "mysql://u:p@host/db")]
    [InlineData("DATABASE_URL", "postgres://user:pass@host:5432")]
    [InlineData("DATABASE_URL", "/no/such/directory/tally.db")]
    [InlineData("STRIPE_SECRET_KEY", "pk_test_123")]
    [InlineData("STRIPE_WEBHOOK_SECRET", "secret")]
    [InlineData("STRIPE_PRICE_METERED_ID", "prod_123")]
    [InlineData("DEFAULT_CURRENCY", "dollars")]
    [InlineData("STRIPE_API_BASE", "not a url")]
    [InlineData("TALLY_AUTO_MIGRATE", "maybe")]
    [InlineData("TALLY_JWT_AUTHORITY", "http://idp.example.com")]
    [InlineData("TALLY_ADMIN_EMAILS", "admin@example.com,bob")]
    [InlineData("REDIS_URL", "localhost:6379")]
    [InlineData("TALLY_ALLOWED_PRICE_IDS", "price_1,prod_2")]
    [InlineData("TALLY_STRIPE_TIMEOUT_SECONDS", "0")]
    [InlineData("TALLY_STRIPE_TIMEOUT_SECONDS", "20s")]
    public void BadValue_IsRefused_NamingTheVariable(string variable, string value)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load((variable, value)));

        Assert.Contains(variable, error.Message);
    }

    [Fact]
    public void StripeTimeout_IsSecondsPerAttempt_DefaultWellUnderTheWebhookLease()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Load(("TALLY_STRIPE_TIMEOUT_SECONDS", "5")).Stripe.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(20), Load().Stripe.Timeout);
        Assert.True(Load().Stripe.Timeout * 3 < new Tally.Api.Features.Webhooks.WebhookOptions().Lease);
    }

    [Fact]
    public void AllowedPriceIds_AreAList_UnsetMeansTheDefault()
    {
        Assert.Equal(["price_a", "price_b"], Load(("TALLY_ALLOWED_PRICE_IDS", " price_a, price_b ,")).Stripe.AllowedPriceIds!.Order());
        Assert.Null(Load().Stripe.AllowedPriceIds);
    }

    [Fact]
    public void Postgres_WithoutAStripeKey_RefusesTheEmulator_UnlessAskedFor()
    {
        (string, string)[] postgres = [("DATABASE_URL", "postgres://u:p@localhost:5432/tally"), ("TALLY_JWT_SIGNING_KEY", new string('k', 32))];

        var error = Assert.Throws<InvalidConfigurationException>(() => Load(postgres));

        Assert.Contains("STRIPE_SECRET_KEY", error.Message);
        Assert.Contains("TALLY_STRIPE_EMULATOR", error.Message);
        Assert.True(Load([.. postgres, ("TALLY_STRIPE_EMULATOR", "true")]).Stripe.UsesEmulator);
        Assert.True(Load().Stripe.UsesEmulator);
    }

    [Fact]
    public void AStripeKey_WithoutAWebhookSecret_NamesTheSecret()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(("STRIPE_SECRET_KEY", "sk_live_123")));

        Assert.Contains("STRIPE_WEBHOOK_SECRET", error.Message);
        Assert.DoesNotContain("sk_live_123", error.Message);
    }

    [Theory]
    [InlineData("http://stripe-proxy.internal", false)]
    [InlineData("http://10.0.0.5:12111", false)]
    [InlineData("http://127.0.0.1:12111", true)]
    [InlineData("http://localhost:12111", true)]
    [InlineData("https://stripe-proxy.internal", true)]
    public void PlainHttpApiBase_OnlyToLoopback(string apiBase, bool accepted)
    {
        (string, string)[] values = [("STRIPE_SECRET_KEY", "sk_test_123"), ("STRIPE_WEBHOOK_SECRET", "whsec_123"), ("STRIPE_API_BASE", apiBase)];

        if (accepted)
        {
            Assert.Equal(new Uri(apiBase), Load(values).Stripe.ApiBase);
        }
        else
        {
            Assert.Contains("STRIPE_API_BASE", Assert.Throws<InvalidConfigurationException>(() => Load(values)).Message);
        }
    }

    [Fact]
    public void Authority_WithoutAudience_NamesTheAudienceVariable()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(("TALLY_JWT_AUTHORITY", "https://idp.example.com")));

        Assert.Contains("TALLY_JWT_AUDIENCE", error.Message);
    }

    [Fact]
    public void Postgres_WithoutAKey_AsksForOne()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(("DATABASE_URL", "postgres://u:p@localhost:5432/tally"), ("TALLY_STRIPE_EMULATOR", "true")));

        Assert.Contains("TALLY_JWT_SIGNING_KEY", error.Message);
    }

    [Fact]
    public void PostgresUrl_BecomesAConnectionString()
    {
        var settings = Load(("DATABASE_URL", "postgresql://tally:p%40ss@db.internal:6543/billing?sslmode=require"), ("TALLY_JWT_SIGNING_KEY", new string('k', 32)),
            ("TALLY_STRIPE_EMULATOR", "true"));

        Assert.Equal(DatabaseProvider.Postgres, settings.Database.Provider);
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(settings.Database.ConnectionString);
        Assert.Equal(("db.internal", 6543, "billing", "tally", "p@ss"), (cs.Host, cs.Port, cs.Database, cs.Username, cs.Password));
        Assert.Equal(Npgsql.SslMode.Require, cs.SslMode);
    }

    [Fact]
    public void PostgresUrl_AcceptsLibpqAndNpgsqlOptions()
    {
        var settings = Load(("DATABASE_URL", "postgres://u:p@db:5432/tally?application_name=tally-eu&connect_timeout=7&target_session_attrs=primary&Maximum%20Pool%20Size=40&sslmode=disable"),
            ("TALLY_JWT_SIGNING_KEY", new string('k', 32)), ("TALLY_STRIPE_EMULATOR", "true"));

        var cs = new Npgsql.NpgsqlConnectionStringBuilder(settings.Database.ConnectionString);
        Assert.Equal(("tally-eu", 7, "primary", 40, Npgsql.SslMode.Disable), (cs.ApplicationName, cs.Timeout, cs.TargetSessionAttributes, cs.MaxPoolSize, cs.SslMode));
    }

    [Theory]
    [InlineData("connect_timeout=soon", "'soon' is not a valid value for the connection option 'connect_timeout'")]
    [InlineData("sslmode=sometimes", "'sometimes' is not a valid value for the connection option 'sslmode'")]
    [InlineData("Maximum%20Pool%20Size=many", "'many' is not a valid value for the connection option 'Maximum Pool Size'")]
    [InlineData("colour=blue", "unknown connection option 'colour'")]
    public void PostgresUrl_BadOption_SaysWhich(string query, string message)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(("DATABASE_URL", $"postgres://u:p@db:5432/tally?{query}"),
            ("TALLY_JWT_SIGNING_KEY", new string('k', 32)), ("TALLY_STRIPE_EMULATOR", "true")));

        Assert.Contains("DATABASE_URL", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void RedisUrl_BecomesAConfigurationString()
    {
        var settings = Load(("REDIS_URL", "rediss://:s%3Acret@cache.internal:6380/2"));

        Assert.Equal("cache.internal:6380,password=s:cret,defaultDatabase=2,ssl=true,abortConnect=false", settings.Redis);
    }

    [Fact]
    public void NoKey_WithSqlite_GeneratesOneBesideTheDatabase_AndKeepsIt()
    {
        var first = Load();
        var second = Load();

        Assert.True(first.Jwt.KeyWasGenerated);
        Assert.Equal(Path.Combine(directory, "tally.db.signing-key"), first.Jwt.GeneratedKeyPath);
        Assert.True(first.Jwt.SigningKey!.Length >= 32);
        Assert.Equal(first.Jwt.SigningKey, second.Jwt.SigningKey);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Jwt.GeneratedKeyPath!));
        }
    }

    [Fact]
    public void AnExistingSigningKey_ReadableByGroupOrOthers_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(directory, "tally.db.signing-key");
        File.WriteAllText(path, Convert.ToBase64String(new byte[64]));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidConfigurationException>(() => Load());

        Assert.Contains(path, error.Message);
        Assert.Contains("chmod 600", error.Message);
    }

    [Fact]
    public void DotEnvFile_IsRead_AndRealSettingsWin()
    {
        var env = Path.Combine(directory, ".env");
        File.WriteAllText(env, "# comment\nexport DEFAULT_CURRENCY=eur\nSTRIPE_PRODUCT_ID=\"prod_fromfile\"\nTALLY_ADMIN_EMAILS=a@example.com # inline\n");
        var manager = new ConfigurationManager();
        manager.AddInMemoryCollection(new Dictionary<string, string?> { ["STRIPE_PRODUCT_ID"] = "prod_fromenv", ["DATABASE_URL"] = Path.Combine(directory, "t.db") });
        manager.AddDotEnvFile(env);

        var settings = TallySettings.Load(manager);

        Assert.Equal("eur", settings.Stripe.DefaultCurrency);
        Assert.Equal("prod_fromenv", settings.Stripe.ProductId);
        Assert.Contains("a@example.com", settings.Jwt.AdminEmails);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
