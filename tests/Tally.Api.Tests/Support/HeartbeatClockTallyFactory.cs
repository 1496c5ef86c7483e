using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tally.Api.Infrastructure.Health;

namespace Tally.Api.Tests.Support;

/// <summary>Plain Tally whose worker heartbeats read a clock the test moves (the workers themselves run on real time).</summary>
public sealed class HeartbeatClockTallyFactory : TallyFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton(new WorkerHeartbeats(Clock)));
    }
}
