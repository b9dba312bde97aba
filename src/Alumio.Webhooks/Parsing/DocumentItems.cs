using System.Runtime.CompilerServices;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Parsing;

/// <summary>The item path for parsers that build documents: parse, split, and each item as the UTF-8 JSON a task stores.</summary>
internal static class DocumentItems
{
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        IParser parser, Stream body, string? contentType, IItemSplitter splitter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var document in parser.ParseAsync(body, contentType, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in splitter.Split(document))
            {
                yield return JsonEntity.ToUtf8(item);
            }
        }
    }
}
