namespace Alumio.Webhooks.Tests.Parsing;

/// <summary>
/// A forward-only body that hands out at most a few bytes per read and counts what was read; with
/// <c>failAfter</c>, its connection drops after that many bytes, as a client that goes away mid-upload.
/// </summary>
internal sealed class ChunkedStream(byte[] data, int chunkSize = 64, int failAfter = int.MaxValue) : ReadOnlyStream
{
    private int _position;

    public long BytesRead => _position;

    public long TotalLength => data.Length;

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAfter)
        {
            throw new IOException("The connection was reset.");
        }

        var count = Math.Min(Math.Min(buffer.Length, chunkSize), Math.Min(data.Length, failAfter) - _position);
        data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
