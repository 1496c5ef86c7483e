namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// Serialises Stripe-creating work per user on this instance (striped, so memory stays bounded).
/// Other instances are kept consistent by Stripe idempotency keys and the database's unique indexes.
/// </summary>
internal sealed class UserLocks
{
    private readonly SemaphoreSlim[] stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> AcquireAsync(long userId, CancellationToken ct)
    {
        var gate = stripes[(int)((ulong)userId % (ulong)stripes.Length)];
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
