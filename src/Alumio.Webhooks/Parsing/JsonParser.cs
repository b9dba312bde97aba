using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Parsing;

/// <summary>Parses a UTF-8 JSON body into one document (prototype <c>json</c>).</summary>
/// <remarks>
/// Refused, with the 1-based line and byte position: malformed JSON, bytes that are not UTF-8, nesting
/// deeper than <see cref="MaxDepth"/>, the literal <c>null</c>, and what is valid syntax but no entity:
/// an object that names a property twice, a string that escapes half a surrogate pair. With a pattern
/// to items the body streams and the items are checked for the last three, without a place.
/// </remarks>
public sealed class JsonParser : IStreamingParser
{
    /// <summary>The deepest nesting a body may have.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <inheritdoc />
    /// <remarks>Always: with a pattern to items, a JSON body is streamed item by item, never held whole.</remarks>
    public bool StreamsItems => true;

    /// <inheritdoc />
    public IAsyncEnumerable<ParsedItem> ReadItemsAsync(Stream body, string? contentType, ItemPattern? pattern, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return JsonItemReader.ReadAsync(body, pattern, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);

        // The document is held whole anyway. It is read into memory first so that its UTF-8 can be
        // checked: the JSON reader leaves the bytes inside strings unchecked, and writing such a string
        // out would silently replace them.
        var copy = new MemoryStream();
        await body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        var utf8 = copy.GetBuffer().AsMemory(0, (int)copy.Length);
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        CheckUtf8(utf8.Span);
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(utf8.Span, documentOptions: DocumentOptions);
        }
        catch (JsonException exception)
        {
            // System.Text.Json counts lines and byte positions from zero.
            var line = exception.LineNumber + 1;
            var position = exception.BytePositionInLine + 1;
            throw new WebhookParseException($"The body is not valid JSON: {Describe(exception)}", line, position, exception);
        }

        if (document is null)
        {
            throw new WebhookParseException("The body is the JSON literal null, which holds no entity.", 1, 1);
        }

        if (new JsonValueChecker().Check(utf8.Span) is { } problem)
        {
            var (line, position) = Locate(utf8.Span, (int)problem.Offset);
            throw new WebhookParseException($"The body is not valid JSON at line {line}, position {position}: {problem.Description}.", line, position);
        }

        yield return document;
    }

    /// <summary>Refuses bytes that are not UTF-8, naming the 1-based line and byte position of the first.</summary>
    private static void CheckUtf8(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            return;
        }

        var index = NdjsonParser.FirstInvalidUtf8(utf8);
        var (line, position) = Locate(utf8, index);
        throw new WebhookParseException(
            $"The body is not valid UTF-8: the byte 0x{utf8[index]:X2} at line {line}, position {position} does not start a valid character.", line, position);
    }

    /// <summary>Turns an offset in the body into its 1-based line and byte position within the line.</summary>
    private static (long Line, long Position) Locate(ReadOnlySpan<byte> utf8, int index)
    {
        var lineStart = utf8[..index].LastIndexOf((byte)'\n') + 1;
        return (utf8[..lineStart].Count((byte)'\n') + 1, index - lineStart + 1);
    }

    internal static string Describe(JsonException exception)
    {
        // The framework's message ends with its own zero-based "LineNumber: x | BytePositionInLine: y."; keep only the cause.
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
