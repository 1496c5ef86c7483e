using Tally.Api.Infrastructure.Configuration;

namespace Tally.Api.Features.Mirror;

internal static class MirrorRegistration
{
    public static void AddMirror(this WebApplicationBuilder builder, TallySettings settings)
    {
        builder.Services.AddScoped<MirrorWriter>();
        builder.Services.AddScoped<MirrorUpdates>();
        builder.Services.AddSingleton<PriceCatalog>();
        builder.Services.AddHybridCache();
        if (settings.Redis is { } redis)
        {
            // HybridCache picks up the distributed cache as its second level.
            builder.Services.AddStackExchangeRedisCache(o => o.Configuration = redis);
        }
    }
}
