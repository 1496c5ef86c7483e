using System.Threading.Channels;

namespace Tally.Api.Infrastructure.Data;

/// <summary>
/// Group commit: the submissions that arrive while a write is in flight go into the next one, so many
/// concurrent requests share one transaction (and one commit) instead of paying for one each. One
/// writer per process; each submitter gets its results only after the transaction holding its items
/// committed. Bounded: when <c>capacity</c> items are waiting, <see cref="TrySubmit"/> refuses, so the
/// caller can answer 503 instead of piling up memory. Disposing drains what was accepted.
/// </summary>
internal sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> write;
    private readonly int maxBatch;
    private readonly int capacity;
    private readonly ILogger logger;
    private readonly Channel<Submission> queue = Channel.CreateUnbounded<Submission>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;
    private int depth;

    /// <param name="write">Writes the items in one transaction; returns one result per item, in order.</param>
    /// <param name="dedicatedThread">
    /// Run the writer on a thread of its own that blocks on the queue and on <paramref name="write"/>, for
    /// a write that does synchronous I/O: under load every await of a thread-pool writer waits behind the
    /// requests queued on the pool, and the writer is what every request waits for.
    /// </param>
    public GroupCommit(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> write, int maxBatch, int capacity, ILogger logger,
        bool dedicatedThread = false)
    {
        (this.write, this.maxBatch, this.capacity, this.logger) = (write, maxBatch, capacity, logger);
        loop = dedicatedThread ? RunOnOwnThread() : Task.Run(RunAsync);
    }

    /// <summary>Items accepted and not written yet.</summary>
    public int Depth => Volatile.Read(ref depth);

    /// <summary>Queues the items; false (nothing queued) when the queue is full or shutting down.</summary>
    public bool TrySubmit(IReadOnlyList<TItem> items, out Task<IReadOnlyList<TResult>> written)
    {
        written = Task.FromResult<IReadOnlyList<TResult>>([]);
        if (Interlocked.Add(ref depth, items.Count) > capacity && Volatile.Read(ref depth) != items.Count)
        {
            Interlocked.Add(ref depth, -items.Count);
            return false;
        }

        var submission = new Submission(items, new TaskCompletionSource<IReadOnlyList<TResult>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(submission))
        {
            Interlocked.Add(ref depth, -items.Count);
            return false;
        }

        written = submission.Done.Task;
        return true;
    }

    private async Task RunAsync()
    {
        var (batch, items) = (new List<Submission>(), new List<TItem>(maxBatch));
        while (await queue.Reader.WaitToReadAsync())
        {
            Take(batch, items);
            await WriteAsync(batch, items);
        }
    }

    private Task RunOnOwnThread()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var (batch, items) = (new List<Submission>(), new List<TItem>(maxBatch));
            while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                Take(batch, items);
                WriteAsync(batch, items).GetAwaiter().GetResult();
            }

            done.SetResult();
        })
        { IsBackground = true, Name = $"GroupCommit<{typeof(TItem).Name}>" };
        thread.Start();
        return done.Task;
    }

    private void Take(List<Submission> batch, List<TItem> items)
    {
        batch.Clear();
        items.Clear();
        while (items.Count < maxBatch && queue.Reader.TryRead(out var submission))
        {
            batch.Add(submission);
            items.AddRange(submission.Items);
        }
    }

    /// <summary>Writes one group and answers its submitters; never throws.</summary>
    private async Task WriteAsync(List<Submission> batch, List<TItem> items)
    {
        try
        {
            var results = await write(items, CancellationToken.None);
            var offset = 0;
            foreach (var submission in batch)
            {
                submission.Done.TrySetResult(results.Skip(offset).Take(submission.Items.Count).ToList());
                offset += submission.Items.Count;
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A group commit of {Count} items failed; nothing of it was written", items.Count);
            batch.ForEach(s => s.Done.TrySetException(ex));
        }
        finally
        {
            Interlocked.Add(ref depth, -items.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    private sealed record Submission(IReadOnlyList<TItem> Items, TaskCompletionSource<IReadOnlyList<TResult>> Done);
}
