using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Alumio.Webhooks.Splitting;

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
public sealed class NdjsonParser : IStreamingParser
{
    /// <summary>The longest line, in bytes, that a body may have: 16 MiB.</summary>
    public const int MaxLineLength = 16 * 1024 * 1024;

    /// <summary>The deepest nesting a line may have.</summary>
    public const int MaxDepth = JsonParser.MaxDepth;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Handles one line's bytes (without line end), adding what it yields to the output.</summary>
    private delegate void LineHandler<T>(ReadOnlySpan<byte> bytes, long line, List<T> output);

    /// <inheritdoc />
    /// <remarks>Always: every line is its own item, or is split by the pattern, as the body streams.</remarks>
    public bool StreamsItems => true;

    /// <inheritdoc />
    public IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var checker = new JsonValueChecker();
        return ReadLinesAsync<JsonNode>(body, (bytes, line, output) =>
        {
            if (ParseLine(bytes, line, checker) is { } document)
            {
                output.Add(document);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ParsedItem> ReadItemsAsync(Stream body, string? contentType, ItemPattern? pattern, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var checker = new JsonValueChecker();
        return ReadLinesAsync<ParsedItem>(body, (bytes, line, output) =>
        {
            var offset = Trim(ref bytes, line);
            if (bytes.IsEmpty)
            {
                return;
            }

            CheckUtf8(bytes, line, offset);
            if (pattern is null)
            {
                // The line is checked by reading it through once, then kept as it is: no tree is built.
                Validate(bytes, line, offset);
                Check(checker, bytes, line, offset);
                output.Add(new ParsedItem(bytes.ToArray()));
                return;
            }

            try
            {
                Validate(bytes, line, offset);
                Check(checker, bytes, line, offset);
                JsonItemReader.ReadAll(bytes.ToArray(), pattern, output);
            }
            catch (WebhookParseException exception)
            {
                throw new WebhookParseException($"Line {line}: {exception.Message}", line, exception.Position is { } position ? position + offset : null, exception);
            }
        }, cancellationToken);
    }

    private static async IAsyncEnumerable<T> ReadLinesAsync<T>(Stream body, LineHandler<T> handle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
        var output = new List<T>();
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
                    HandleLine(buffer.Slice(0, end), line, handle, output);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }

                examined = buffer.Length;

                if (buffer.Length > MaxLineLength)
                {
                    throw TooLong(line + 1);
                }

                if (result.IsCompleted && !buffer.IsEmpty)
                {
                    HandleLine(buffer, line + 1, handle, output);
                }

                foreach (var item in output)
                {
                    yield return item;
                }

                output.Clear();
                if (result.IsCompleted)
                {
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

    private static void HandleLine<T>(ReadOnlySequence<byte> sequence, long line, LineHandler<T> handle, List<T> output)
    {
        if (sequence.Length > MaxLineLength)
        {
            throw TooLong(line);
        }

        if (sequence.IsSingleSegment)
        {
            handle(sequence.FirstSpan, line, output);
            return;
        }

        var length = (int)sequence.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            sequence.CopyTo(rented);
            handle(rented.AsSpan(0, length), line, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Drops a first line's byte order mark and a trailing carriage return; a blank line becomes empty.</summary>
    /// <returns>How many bytes were dropped at the start, for positions.</returns>
    private static int Trim(ref ReadOnlySpan<byte> bytes, long line)
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
            bytes = [];
        }

        return offset;
    }

    private static void CheckUtf8(ReadOnlySpan<byte> bytes, long line, int offset)
    {
        // The JSON reader leaves the bytes inside strings unchecked until they are read, so check them now.
        if (!Utf8.IsValid(bytes))
        {
            var position = offset + FirstInvalidUtf8(bytes) + 1;
            throw new WebhookParseException($"Line {line} is not valid UTF-8 at position {position}.", line, position);
        }
    }

    private static void Validate(ReadOnlySpan<byte> bytes, long line, int offset)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read())
            {
                return;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new WebhookParseException(
                    $"Line {line} is the JSON literal null, which holds no entity.", line, offset + bytes.IndexOfAnyExcept(" \t"u8) + 1);
            }

            reader.Skip();
            while (reader.Read())
            {
                // Anything after the value is an error the reader reports.
            }
        }
        catch (JsonException exception)
        {
            var position = offset + (exception.BytePositionInLine ?? 0) + 1;
            throw new WebhookParseException($"Line {line} is not valid JSON: {JsonParser.Describe(exception)}", line, position, exception);
        }
    }

    private static void Check(JsonValueChecker checker, ReadOnlySpan<byte> bytes, long line, int offset)
    {
        if (checker.Check(bytes) is { } problem)
        {
            var position = offset + problem.Offset + 1;
            throw new WebhookParseException($"Line {line} is not valid JSON at position {position}: {problem.Description}.", line, position);
        }
    }

    private static JsonNode? ParseLine(ReadOnlySpan<byte> bytes, long line, JsonValueChecker checker)
    {
        var offset = Trim(ref bytes, line);
        if (bytes.IsEmpty)
        {
            return null;
        }

        CheckUtf8(bytes, line, offset);
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

        Check(checker, bytes, line, offset);
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
