using System.Text;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Tests.Parsing;

internal static class ParserTestExtensions
{
    public static async Task<List<JsonNode>> ParseTextAsync(this IParser parser, string text)
    {
        var documents = new List<JsonNode>();
        await foreach (var document in parser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), null, CancellationToken.None))
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
}
