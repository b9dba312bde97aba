using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Tasks;

/// <summary>Converts entities between the mutable form transformers use and the immutable form tasks store.</summary>
internal static class JsonEntity
{
    /// <summary>Deeper than any parser produces, so stored entities always round-trip.</summary>
    public const int MaxDepth = 256;

    private static readonly JsonWriterOptions WriterOptions = new() { MaxDepth = MaxDepth };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static JsonElement ToElement(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            node.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory, DocumentOptions);
        return document.RootElement.Clone();
    }

    public static JsonNode ToNode(JsonElement element) =>
        JsonNode.Parse(element.GetRawText(), documentOptions: DocumentOptions)
        ?? throw new InvalidOperationException("A stored entity is the JSON literal null.");
}
