namespace Alumio.Webhooks.Receiving;

/// <summary>Reads a body and fails with <see cref="BodyTooLargeException"/> once it passes a limit.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : ReadOnlyStream
{
    private long _read;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Most reads of a small body complete at once: then no state machine is needed.
        var read = inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<int>(Count(read.Result)) : CountAsync(read);
    }

    // The inner stream belongs to the request; it is not closed here.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);

    private async ValueTask<int> CountAsync(ValueTask<int> read) => Count(await read.ConfigureAwait(false));

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw new BodyTooLargeException();
        }

        return read;
    }
}

/// <summary>The body passed the webhook's <c>MaxBodySize</c>; answered with <c>413</c>.</summary>
internal sealed class BodyTooLargeException() : Exception("The body is larger than the webhook accepts.");
