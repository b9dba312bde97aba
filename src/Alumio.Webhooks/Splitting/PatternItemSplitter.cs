using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Splitting;

/// <summary>
/// Splits a document by an <see cref="ItemPattern"/>: a pattern that lands on an array yields its
/// elements, one that lands on an object or value yields it as one item. Without a pattern the whole
/// document is one item. JSON nulls are not items.
/// </summary>
public sealed class PatternItemSplitter : IItemSplitter
{
    /// <summary>Initializes a new instance of the <see cref="PatternItemSplitter"/> class.</summary>
    /// <param name="pattern">The pattern, or <see langword="null"/> to keep the whole document as one item.</param>
    public PatternItemSplitter(ItemPattern? pattern)
    {
        Pattern = pattern;
    }

    /// <summary>Gets a splitter that keeps the whole document as one item.</summary>
    public static PatternItemSplitter WholeDocument { get; } = new(null);

    /// <summary>Gets the pattern, or <see langword="null"/> for the whole document.</summary>
    public ItemPattern? Pattern { get; }

    /// <inheritdoc />
    public IEnumerable<JsonNode> Split(JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (Pattern is null)
        {
            return [document];
        }

        return Expand(Pattern.Match(document));
    }

    private static IEnumerable<JsonNode> Expand(IEnumerable<JsonNode?> matches)
    {
        foreach (var match in matches)
        {
            if (match is JsonArray array)
            {
                foreach (var element in array)
                {
                    if (element is not null)
                    {
                        yield return element;
                    }
                }
            }
            else if (match is not null)
            {
                yield return match;
            }
        }
    }
}
