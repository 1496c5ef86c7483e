using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Tally.Api.Tests.Support;

/// <summary>
/// <see cref="TallyFactory"/> whose <see cref="TimeProvider"/> is a <see cref="FakeTimeProvider"/> standing 30 seconds into
/// the current minute (the real one, so tokens stay valid): figures bucketed by minute are computed at a known instant.
/// The clock does not move unless a test moves it, so the background workers' timers never tick.
/// </summary>
public sealed class ClockedTallyFactory : TallyFactory
{
    public ClockedTallyFactory()
    {
        var now = DateTimeOffset.UtcNow;
        Minute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        Clock = new FakeTimeProvider(Minute.AddSeconds(30));
    }

    /// <summary>The start of the clock's current minute.</summary>
    public DateTimeOffset Minute { get; }

    public FakeTimeProvider Clock { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
