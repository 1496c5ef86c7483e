using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Errors;

namespace Tally.Api.Infrastructure.Http;

/// <summary>How many Stripe-backed requests one user may make (<c>TALLY_RATE_LIMIT_STRIPE_PER_MINUTE</c>).</summary>
internal sealed class StripeRateLimitOptions
{
    public const string PerMinuteVariable = "TALLY_RATE_LIMIT_STRIPE_PER_MINUTE";

    /// <summary>Sustained requests per minute, and the burst a user may spend at once.</summary>
    public int PerMinute { get; set; } = 60;
}

/// <summary>
/// A per-user token bucket on the endpoints that call Stripe on the caller's behalf: one user cannot
/// spend the account's Stripe rate limit (25 requests/s in test mode, 100 live) for everybody else.
/// Over the limit: 429 <c>rate_limited</c> with <c>Retry-After</c>.
/// </summary>
internal static class RateLimits
{
    public const string StripePolicy = "stripe";

    public static void AddTallyRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StripeRateLimitOptions>()
            .Configure<IConfiguration>((o, configuration) =>
            {
                if (configuration[StripeRateLimitOptions.PerMinuteVariable] is { Length: > 0 } text)
                {
                    o.PerMinute = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                }
            })
            .Validate(o => o.PerMinute is >= 1 and <= 1_000_000, $"{StripeRateLimitOptions.PerMinuteVariable} must be a whole number from 1 to 1000000.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(StripePolicy, http => PerUser(http, http.RequestServices.GetRequiredService<IOptions<StripeRateLimitOptions>>().Value.PerMinute));
            o.OnRejected = RejectAsync;
        });
    }

    /// <summary>Rate-limits the endpoint by the Stripe policy (after authorization: the partition is the user).</summary>
    public static TBuilder RequireStripeRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(StripePolicy);

    private static RateLimitPartition<string> PerUser(HttpContext http, int perMinute) =>
        http.User.FindFirstValue(TallyClaims.UserIdType) is { } userId
            ? RateLimitPartition.GetTokenBucketLimiter(userId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            // Authorization admits no anonymous caller to these endpoints; should one get here, it is not limited per user.
            : RateLimitPartition.GetNoLimiter("anonymous");

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "rate_limited",
            $"Too many requests that call Stripe; try again in {seconds} s.");
    }
}
