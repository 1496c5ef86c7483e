namespace Tally.Api.Tests.Support;

/// <summary>Tally with <c>REDIS_URL</c>: HybridCache's second level is a real Redis (started by test.sh).</summary>
public sealed class RedisTallyFactory : StripeTallyFactory
{
    public static string? RedisUrl => Environment.GetEnvironmentVariable("TALLY_TEST_REDIS");

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["REDIS_URL"] = RedisUrl;
            // Both instances share the Redis: a processed price.created webhook would remove the
            // entry under test (that invalidation is covered in PriceCatalogTests).
            settings["Webhooks:ProcessorEnabled"] = "false";
            return settings;
        }
    }
}
