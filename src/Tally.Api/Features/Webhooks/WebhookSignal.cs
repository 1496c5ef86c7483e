using System.Threading.Channels;

namespace Tally.Api.Features.Webhooks;

/// <summary>Wakes the processor when the intake stored a new event, so it does not wait for its timer.</summary>
internal sealed class WebhookSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => channel.Writer.TryWrite(true);

    /// <summary>Completes at the next wake-up. Keep one pending call at a time: an abandoned one would swallow a signal.</summary>
    public async Task WaitAsync(CancellationToken ct) => await channel.Reader.ReadAsync(ct);
}
