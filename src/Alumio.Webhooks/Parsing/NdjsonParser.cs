using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Parses newline-delimited JSON (prototype <c>ndjson</c>): one UTF-8 JSON value per line, each line
/// one document, yielded as soon as its line is complete.
/// </summary>
/// <remarks>
/// Lines end with <c>\n</c> or <c>\r\n</c>; blank lines (only spaces and tabs) are skipped, so an
/// empty body holds no documents. A line holding the literal <c>null</c> is refused, as is a line of
/// more than <see cref="MaxLineLength"/> bytes, nesting deeper than <see cref="MaxDepth"/>, an object
/// that names a property twice and a string that escapes half a surrogate pair. Errors
/// name the 1-based line and the 1-based byte position within it. The body is read in chunks, never
/// whole.
/// </remarks>
public sealed class NdjsonParser : IParser
{
    /// <summary>The longest line, in bytes, that a body may have: 16 MiB.</summary>
    public const int MaxLineLength = 16 * 1024 * 1024;

    /// <summary>The deepest nesting a line may have.</summary>
    public const int MaxDepth = JsonParser.MaxDepth;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
        var checker = new JsonValueChecker();
        try
        {
            long line = 0;

            // Bytes at the start of the unread buffer already known to hold no line feed.
            long examined = 0;
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (buffer.Slice(examined).PositionOf((byte)'\n') is { } end)
                {
                    line++;
                    examined = 0;
                    var document = ParseLine(buffer.Slice(0, end), line, checker);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (document is not null)
                    {
                        yield return document;
                    }
                }

                examined = buffer.Length;

                if (buffer.Length > MaxLineLength)
                {
                    throw TooLong(line + 1);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        var document = ParseLine(buffer, line + 1, checker);
                        if (document is not null)
                        {
                            yield return document;
                        }
                    }

                    break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static JsonNode? ParseLine(ReadOnlySequence<byte> sequence, long line, JsonValueChecker checker)
    {
        if (sequence.Length > MaxLineLength)
        {
            throw TooLong(line);
        }

        var length = (int)sequence.Length;
        byte[]? rented = null;
        var bytes = sequence.IsSingleSegment
            ? sequence.FirstSpan
            : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            if (rented is not null)
            {
                sequence.CopyTo(rented);
            }

            return ParseLine(bytes, line, checker);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static JsonNode? ParseLine(ReadOnlySpan<byte> bytes, long line, JsonValueChecker checker)
    {
        var offset = 0;
        if (line == 1 && bytes.StartsWith("\uFEFF"u8))
        {
            offset = 3;
            bytes = bytes[3..];
        }

        if (bytes.EndsWith("\r"u8))
        {
            bytes = bytes[..^1];
        }

        if (bytes.IndexOfAnyExcept(" \t"u8) < 0)
        {
            return null;
        }

        // The JSON reader leaves the bytes inside strings unchecked until they are read, so check them now.
        if (!Utf8.IsValid(bytes))
        {
            var position = offset + FirstInvalidUtf8(bytes) + 1;
            throw new WebhookParseException($"Line {line} is not valid UTF-8 at position {position}.", line, position);
        }

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(bytes, documentOptions: DocumentOptions);
        }
        catch (JsonException exception)
        {
            var position = offset + (exception.BytePositionInLine ?? 0) + 1;
            throw new WebhookParseException($"Line {line} is not valid JSON: {JsonParser.Describe(exception)}", line, position, exception);
        }

        if (document is null)
        {
            throw new WebhookParseException($"Line {line} is the JSON literal null, which holds no entity.", line, offset + bytes.IndexOfAnyExcept(" \t"u8) + 1);
        }

        if (checker.Check(bytes) is { } problem)
        {
            var position = offset + problem.Offset + 1;
            throw new WebhookParseException($"Line {line} is not valid JSON at position {position}: {problem.Description}.", line, position);
        }

        return document;
    }

    /// <summary>Finds the index of the first byte that does not start a valid UTF-8 character.</summary>
    internal static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length && Rune.DecodeFromUtf8(bytes[index..], out _, out var consumed) == OperationStatus.Done)
        {
            index += consumed;
        }

        return index;
    }

    private static WebhookParseException TooLong(long line) =>
        new($"Line {line} is longer than {MaxLineLength} bytes.", line, MaxLineLength + 1);
}
