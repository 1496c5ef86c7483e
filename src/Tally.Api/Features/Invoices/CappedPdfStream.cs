namespace Tally.Api.Features.Invoices;

/// <summary>
/// The upstream PDF body, with its already-read first bytes put back, that fails once more than
/// <c>maxBytes</c> arrive (the response is then cut off rather than relayed in full). Owns the upstream response.
/// </summary>
internal sealed class CappedPdfStream(byte[] head, Stream body, long maxBytes, IDisposable[] owned) : Stream
{
    private int headPosition;
    private long total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => total;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (headPosition < head.Length)
        {
            read = Math.Min(buffer.Length, head.Length - headPosition);
            head.AsMemory(headPosition, read).CopyTo(buffer);
            headPosition += read;
        }
        else
        {
            read = await body.ReadAsync(buffer, cancellationToken);
        }

        total += read;
        if (total > maxBytes)
        {
            throw new IOException($"The invoice PDF exceeds {maxBytes} bytes.");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            foreach (var item in owned)
            {
                item.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
