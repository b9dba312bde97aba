using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Parsing;

/// <summary>Parses a UTF-8 JSON body into one document (prototype <c>json</c>).</summary>
public sealed class JsonParser : IStreamingParser
{
    /// <summary>The deepest nesting a body may have.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <inheritdoc />
    /// <remarks>Always: with a pattern to items, a JSON body is streamed item by item, never held whole.</remarks>
    public bool StreamsItems => true;

    /// <inheritdoc />
    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadItemsAsync(Stream body, string? contentType, ItemPattern? pattern, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return JsonItemReader.ReadAsync(body, pattern, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonNode? document;
        try
        {
            document = await JsonNode.ParseAsync(body, documentOptions: DocumentOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
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

        yield return document;
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
