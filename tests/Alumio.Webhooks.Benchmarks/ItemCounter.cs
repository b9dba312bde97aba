using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>Runs the receiver's own item path (parse, split, UTF-8 JSON per item) and counts the items.</summary>
public static class ItemCounter
{
    public static async Task<int> CountAsync(IParser parser, string? pattern, byte[] body)
    {
        var incoming = new Incoming("bench", parser, pattern is null ? PatternItemSplitter.WholeDocument : new PatternItemSplitter(ItemPattern.Parse(pattern)));
        var items = 0;
        await foreach (var item in WebhookReceiver.ReadItemsAsync(incoming, new MemoryStream(body, writable: false), null, CancellationToken.None))
        {
            items++;
        }

        return items;
    }
}
