using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Transformation;

/// <summary>Compact, readable JSON for messages: only what JSON requires is escaped, so <c>&amp;{orderId}</c> stays as written.</summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 1024 };

    public static string Write(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            node.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Quote(string text) => Write(JsonValue.Create(text));

    public static string List(IEnumerable<string> texts) => "[" + string.Join(", ", texts.Select(Quote)) + "]";
}
