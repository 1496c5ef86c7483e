namespace Tally.Api.Tests.Support;

/// <summary>
/// The one way a test waits for something that happens asynchronously (a webhook delivered and
/// processed, a cache written, a process started): poll every 50 ms until it holds, and fail the
/// test naming what never happened once a generous timeout has passed. The timeout is a limit,
/// not a measurement: nothing asserts how quickly anything happens.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> at the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        Assert.True(await WithinAsync(condition, limit), $"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="accept"/> takes its value, and returns that value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> accept, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        T last = default!;
        var held = await WithinAsync(async () => accept(last = await read()), limit);
        Assert.True(held, $"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what} (last seen: {last?.ToString() ?? "null"})");
        return last;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> has passed, and
    /// says which: for callers that report a failure themselves (with a process's output, say).
    /// </summary>
    public static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }

        return true;
    }
}
