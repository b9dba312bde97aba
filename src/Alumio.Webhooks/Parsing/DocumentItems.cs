using System.Runtime.CompilerServices;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Parsing;

/// <summary>The item path for parsers that build documents: parse, split, and each item as the UTF-8 JSON a task stores.</summary>
internal static class DocumentItems
{
    public static async IAsyncEnumerable<ParsedItem> ReadAsync(
        IParser parser, Stream body, string? contentType, IItemSplitter splitter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var document in parser.ParseAsync(body, contentType, cancellationToken).ConfigureAwait(false))
        {
            if (splitter is PatternItemSplitter patterned)
            {
                foreach (var match in patterned.SplitMatches(document))
                {
                    yield return new ParsedItem(JsonEntity.ToUtf8(match.Node!), match.Captures);
                }
            }
            else
            {
                foreach (var item in splitter.Split(document))
                {
                    yield return new ParsedItem(JsonEntity.ToUtf8(item));
                }
            }
        }
    }
}
