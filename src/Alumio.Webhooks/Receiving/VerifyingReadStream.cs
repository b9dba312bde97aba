using System.Buffers;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Receiving;

/// <summary>
/// Passes the body through to the parser and every byte, once and in order, to the request's body verifiers.
/// </summary>
internal sealed class VerifyingReadStream(Stream inner, IReadOnlyList<IRequestBodyVerifier> verifiers) : ReadOnlyStream
{
    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Feed(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Feed(buffer.Span[..read]);
        return read;
    }

    /// <summary>Reads what the parser left unread, so the verifiers see the whole body.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The first failure of any verifier, or <see langword="null"/> when all pass.</summary>
    public RequestValidationResult? Verify()
    {
        RequestValidationResult? failure = null;
        foreach (var verifier in verifiers)
        {
            var result = verifier.Verify();
            if (!result.Succeeded)
            {
                failure ??= result;
            }
        }

        return failure;
    }

    // The inner stream belongs to the receiver; the verifiers are disposed by it too.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);

    private void Feed(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        foreach (var verifier in verifiers)
        {
            verifier.Append(data);
        }
    }
}
