using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Parsing;

/// <summary>Turns a request body into one or more JSON documents.</summary>
public interface IParser
{
    /// <summary>Parses a body.</summary>
    /// <param name="body">The body stream, read once from its current position.</param>
    /// <param name="contentType">The request's content type, when known.</param>
    /// <param name="cancellationToken">Cancels the parse.</param>
    /// <returns>
    /// The documents in the body, in order. Most formats hold one document; line- and row-based
    /// formats hold one per line or row.
    /// </returns>
    /// <exception cref="WebhookParseException">The body is malformed; the exception says where.</exception>
    IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, CancellationToken cancellationToken);
}
