using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// A parser that can apply "pattern to items" while it reads, emitting each item as soon as it is
/// complete, so memory holds only the current item however large the body is.
/// </summary>
public interface IStreamingParser : IParser
{
    /// <summary>Gets a value indicating whether this instance streams items (for XML, the <c>Incremental</c> read method).</summary>
    bool StreamsItems { get; }

    /// <summary>Reads the items a pattern lands on, in document order, as the body streams in.</summary>
    /// <param name="body">The body stream, read once from its current position.</param>
    /// <param name="contentType">The request's content type, when known.</param>
    /// <param name="pattern">The pattern to items, where a match on an array yields its elements; <see langword="null"/> to take each document whole.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The items, each as UTF-8 JSON that the caller owns, with what the pattern's wildcard keys matched.</returns>
    /// <exception cref="WebhookParseException">The body is malformed; the exception says where.</exception>
    IAsyncEnumerable<ParsedItem> ReadItemsAsync(Stream body, string? contentType, ItemPattern? pattern, CancellationToken cancellationToken);
}
