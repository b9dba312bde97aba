using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Decodes a body into text as it is read, asynchronously and in bounded chunks, refusing bytes that
/// are not valid in the encoding with a <see cref="WebhookParseException"/>.
/// </summary>
/// <remarks>
/// For UTF-8 the error names the 1-based line and character position of the first invalid byte; for
/// other encodings the framework's decoder tells only the byte offset, which the message gives.
/// A leading byte order mark is dropped. The body stream is not disposed.
/// </remarks>
internal sealed class BodyTextReader : TextReader
{
    private const int ByteChunk = 16 * 1024;
    private const char Quote = '"';

    private readonly Stream _stream;
    private readonly Decoder? _decoder;
    private readonly string _encodingName;
    private readonly char _swapWithQuote;
    private readonly byte[] _bytes;
    private readonly char[] _chars;
    private int _byteStart;
    private int _byteEnd;
    private int _charStart;
    private int _charEnd;
    private bool _endOfStream;
    private bool _disposed;
    private bool _started;
    private bool _lastWasCarriageReturn;
    private long _decodedBytes;
    private long _line = 1;
    private long _position = 1;

    /// <summary>Initializes a new instance of the <see cref="BodyTextReader"/> class.</summary>
    /// <param name="stream">The body.</param>
    /// <param name="encoding">The body's encoding.</param>
    /// <param name="swapWithQuote">
    /// A character exchanged with <c>"</c> in the decoded text (both ways), or <c>"</c> for none;
    /// lets a reader that only knows the double quote read another enclosure character.
    /// </param>
    public BodyTextReader(Stream stream, Encoding encoding, char swapWithQuote = Quote)
    {
        _stream = stream;
        _encodingName = encoding.WebName;
        _swapWithQuote = swapWithQuote;
        _bytes = ArrayPool<byte>.Shared.Rent(ByteChunk);
        if (encoding.CodePage == Encoding.UTF8.CodePage)
        {
            _chars = ArrayPool<char>.Shared.Rent(ByteChunk);
        }
        else
        {
            var strict = (Encoding)encoding.Clone();
            strict.DecoderFallback = DecoderFallback.ExceptionFallback;
            _decoder = strict.GetDecoder();
            _chars = ArrayPool<char>.Shared.Rent(strict.GetMaxCharCount(ByteChunk));
        }
    }

    /// <inheritdoc />
    public override int Read(Span<char> buffer) =>
        buffer.IsEmpty || Fill(useAsync: false, CancellationToken.None).GetAwaiter().GetResult() == 0 ? 0 : CopyOut(buffer);

    /// <inheritdoc />
    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    /// <inheritdoc />
    public override int Peek() => Fill(useAsync: false, CancellationToken.None).GetAwaiter().GetResult() == 0 ? -1 : _chars[_charStart];

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty || await Fill(useAsync: true, cancellationToken).ConfigureAwait(false) == 0 ? 0 : CopyOut(buffer.Span);

    /// <inheritdoc />
    public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_bytes);
            ArrayPool<char>.Shared.Return(_chars);
        }

        base.Dispose(disposing);
    }

    private int CopyOut(Span<char> buffer)
    {
        var count = Math.Min(buffer.Length, _charEnd - _charStart);
        _chars.AsSpan(_charStart, count).CopyTo(buffer);
        _charStart += count;
        return count;
    }

    /// <summary>Makes sure decoded characters are waiting; returns how many (0 at the end).</summary>
    private async ValueTask<int> Fill(bool useAsync, CancellationToken cancellationToken)
    {
        while (_charStart == _charEnd)
        {
            if (!_endOfStream && (_byteStart == _byteEnd || _byteEnd - _byteStart < 8))
            {
                if (_byteStart > 0)
                {
                    _bytes.AsSpan(_byteStart, _byteEnd - _byteStart).CopyTo(_bytes);
                    _byteEnd -= _byteStart;
                    _byteStart = 0;
                }

                var free = _bytes.AsMemory(_byteEnd, ByteChunk - _byteEnd);
                var read = useAsync
                    ? await _stream.ReadAsync(free, cancellationToken).ConfigureAwait(false)
                    : _stream.Read(free.Span);
                _endOfStream = read == 0;
                _byteEnd += read;
            }

            if (!Decode())
            {
                return 0;
            }
        }

        return _charEnd - _charStart;
    }

    /// <summary>Decodes waiting bytes; returns false when nothing is left at the end of the body.</summary>
    private bool Decode()
    {
        _charStart = 0;
        _charEnd = 0;
        if (_decoder is null)
        {
            var status = Utf8.ToUtf16(
                _bytes.AsSpan(_byteStart, _byteEnd - _byteStart), _chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: false, isFinalBlock: _endOfStream);
            _byteStart += bytesRead;
            _charEnd = charsWritten;
            if (status == OperationStatus.InvalidData)
            {
                Track(_chars.AsSpan(0, charsWritten));
                throw new WebhookParseException(
                    $"The body is not valid UTF-8: the byte 0x{_bytes[_byteStart]:X2} at line {_line}, position {_position} does not start a valid character.", _line, _position);
            }

            if (_endOfStream && charsWritten == 0 && _byteStart == _byteEnd)
            {
                return false;
            }
        }
        else
        {
            var flush = _endOfStream;
            try
            {
                _charEnd = _decoder.GetChars(_bytes, _byteStart, _byteEnd - _byteStart, _chars, 0, flush);
            }
            catch (DecoderFallbackException exception)
            {
                var offset = _decodedBytes + Math.Max(exception.Index, 0) + 1;
                var bytes = exception.BytesUnknown is { Length: > 0 } unknown ? Convert.ToHexString(unknown) : "?";
                throw new WebhookParseException($"The body is not valid {_encodingName} text: the byte(s) 0x{bytes} at byte {offset} of the body cannot be decoded.", exception);
            }

            _decodedBytes += _byteEnd - _byteStart;
            _byteStart = _byteEnd;
            if (flush && _charEnd == 0)
            {
                return false;
            }
        }

        var chars = _chars.AsSpan(0, _charEnd);
        if (!_started && chars.Length > 0)
        {
            _started = true;
            if (chars[0] == '\uFEFF')
            {
                _charStart = 1;
                chars = chars[1..];
            }
        }

        if (_swapWithQuote != Quote)
        {
            Swap(chars, _swapWithQuote);
        }

        Track(chars);
        return true;
    }

    /// <summary>Exchanges <paramref name="other"/> and the double quote in place.</summary>
    /// <param name="chars">The characters.</param>
    /// <param name="other">The character exchanged with <c>"</c>.</param>
    internal static void Swap(Span<char> chars, char other)
    {
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == Quote)
            {
                chars[i] = other;
            }
            else if (chars[i] == other)
            {
                chars[i] = Quote;
            }
        }
    }

    private void Track(ReadOnlySpan<char> chars)
    {
        while (!chars.IsEmpty)
        {
            var next = chars.IndexOfAny('\r', '\n');
            if (next < 0)
            {
                _position += chars.Length;
                _lastWasCarriageReturn = false;
                return;
            }

            if (chars[next] == '\n' && next == 0 && _lastWasCarriageReturn)
            {
                _lastWasCarriageReturn = false;
            }
            else
            {
                _line++;
                _lastWasCarriageReturn = chars[next] == '\r';
            }

            _position = 1;
            chars = chars[(next + 1)..];
        }
    }
}
