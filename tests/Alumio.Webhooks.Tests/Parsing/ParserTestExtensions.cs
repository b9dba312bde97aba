using System.Text;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Tests.Parsing;

internal static class ParserTestExtensions
{
    public static Task<List<JsonNode>> ParseTextAsync(this IParser parser, string text) =>
        parser.ParseBytesAsync(Encoding.UTF8.GetBytes(text));

    public static async Task<List<JsonNode>> ParseBytesAsync(this IParser parser, byte[] bytes, string? contentType = null)
    {
        var documents = new List<JsonNode>();
        await foreach (var document in parser.ParseAsync(new MemoryStream(bytes), contentType, CancellationToken.None))
        {
            documents.Add(document);
        }

        return documents;
    }

    public static async Task<string> ParseSingleAsync(this IParser parser, string text)
    {
        var documents = await parser.ParseTextAsync(text);
        documents.Should().ContainSingle();
        return documents[0].ToJsonString();
    }

    /// <summary>The documents as one JSON array, in the serializer's canonical form, to compare with <see cref="Json"/>.</summary>
    public static string ToJsonArray(this IEnumerable<JsonNode> documents) =>
        new JsonArray(documents.Select(d => d.DeepClone()).ToArray()).ToJsonString();

    /// <summary>Canonical JSON for a literal written readably in a test.</summary>
    public static string Json(string json) => JsonNode.Parse(json)!.ToJsonString();

    /// <summary>Reads the first document only, as a webhook receiver storing items one by one would.</summary>
    public static async Task<JsonNode> FirstDocumentAsync(this IParser parser, Stream body)
    {
        await using var documents = parser.ParseAsync(body, null, CancellationToken.None).GetAsyncEnumerator();
        (await documents.MoveNextAsync()).Should().BeTrue();
        return documents.Current;
    }
}
