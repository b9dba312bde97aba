using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Splitting;

/// <summary>Splits one parsed document into the entities that become tasks ("pattern to items").</summary>
public interface IItemSplitter
{
    /// <summary>Splits a document.</summary>
    /// <param name="document">A parsed document.</param>
    /// <returns>The items, in document order; none when nothing matches.</returns>
    IEnumerable<JsonNode> Split(JsonNode document);
}
