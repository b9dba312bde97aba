using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Tasks;

/// <summary>Converts entities between the mutable form transformers use and the UTF-8 JSON tasks store.</summary>
internal static class JsonEntity
{
    /// <summary>Deeper than any parser produces, so stored entities always round-trip.</summary>
    public const int MaxDepth = 256;

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// Entities are stored and served as JSON data, never embedded in HTML, so only what JSON itself
    /// requires is escaped: non-ASCII text stays readable and compact.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { MaxDepth = MaxDepth, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ToUtf8(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static JsonNode ToNode(ReadOnlyMemory<byte> utf8) =>
        JsonNode.Parse(utf8.Span, documentOptions: DocumentOptions)
        ?? throw new InvalidOperationException("A stored entity is the JSON literal null.");
}
