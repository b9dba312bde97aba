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
    public IEnumerable<JsonNode> Split(JsonNode document) => SplitMatches(document).Select(match => match.Node!);

    /// <summary>Splits a document, with what the pattern's wildcard keys matched for each item.</summary>
    /// <param name="document">A parsed document.</param>
    /// <returns>The items, in document order, each with its captures (the elements of an array the pattern lands on share its captures).</returns>
    public IEnumerable<PatternMatch> SplitMatches(JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (Pattern is null)
        {
            return [new PatternMatch(document, [])];
        }

        return Expand(Pattern.Matches(document));
    }

    private static IEnumerable<PatternMatch> Expand(IEnumerable<PatternMatch> matches)
    {
        foreach (var match in matches)
        {
            if (match.Node is JsonArray array)
            {
                foreach (var element in array)
                {
                    if (element is not null)
                    {
                        yield return match with { Node = element };
                    }
                }
            }
            else if (match.Node is not null)
            {
                yield return match;
            }
        }
    }
}
