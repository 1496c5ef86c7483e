using System.Net;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Infrastructure.Configuration;

/// <summary>Changes this process's environment, so it runs alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>The suite passes whatever TALLY_*, STRIPE_*, DATABASE_URL or REDIS_URL the shell exports.</summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class HermeticEnvironmentTests
{
    private static readonly Dictionary<string, string> ShellSettings = new()
    {
        ["TALLY_JWT_ISSUER"] = "x",
        ["TALLY_JWT_AUDIENCE"] = "y",
        ["TALLY_JWT_SIGNING_KEY"] = "0123456789abcdef0123456789abcdef",
        ["TALLY_ADMIN_EMAILS"] = "a@b",
        ["STRIPE_SECRET_KEY"] = "sk_test_x",
        ["REDIS_URL"] = "redis://127.0.0.1:9",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ModuleInitializer_LeavesNoTallySettingInTheEnvironment()
    {
        var names = Environment.GetEnvironmentVariables().Keys.Cast<string>();

        Assert.DoesNotContain(names, HermeticEnvironment.IsTallySetting);
        Assert.Null(Environment.GetEnvironmentVariable("TALLY_JWT_ISSUER"));
        Assert.Null(Environment.GetEnvironmentVariable("STRIPE_SECRET_KEY"));
    }

    [Theory]
    [InlineData("TALLY_JWT_ISSUER", true)]
    [InlineData("STRIPE_SECRET_KEY", true)]
    [InlineData("DATABASE_URL", true)]
    [InlineData("REDIS_URL", true)]
    [InlineData("ASPNETCORE_URLS", true)]
    [InlineData("Webhooks__RetryDelay", true)]
    [InlineData("TALLY_TEST_POSTGRES", false)]
    [InlineData("TALLY_TEST_REDIS", false)]
    [InlineData("PATH", false)]
    public void IsTallySetting_NamesWhatTallyReads_ButNotTheHarnessVariables(string name, bool expected)
    {
        Assert.Equal(expected, HermeticEnvironment.IsTallySetting(name));
    }

    [Fact]
    public void WorkingDirectory_HasNoDotEnvForTheInProcessHostToRead()
    {
        Assert.False(File.Exists(Path.Combine(Directory.GetCurrentDirectory(), ".env")), $"{Directory.GetCurrentDirectory()}/.env would configure every TallyFactory");
    }

    [Fact]
    public async Task Factory_StartedWithShellSettingsInTheEnvironment_StillAcceptsTheTestTokens()
    {
        var saved = ShellSettings.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in ShellSettings)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            await using var factory = new TallyFactory();
            await factory.InitializeAsync();
            using var client = factory.ClientFor(TestTokens.For("hermetic", "hermetic@example.com"));

            var response = await client.GetAsync("/api/me", Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(Environment.GetEnvironmentVariable("TALLY_JWT_ISSUER"));
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
