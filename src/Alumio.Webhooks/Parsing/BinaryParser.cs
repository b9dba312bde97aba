using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Takes any body as it is (prototype <c>binary</c>): one document
/// <c>{"contentType": "...", "size": n, "data": "&lt;base64&gt;"}</c>.
/// </summary>
/// <remarks>
/// <c>contentType</c> is the request's content type, or <c>application/octet-stream</c> when it has
/// none; <c>size</c> is the body's length in bytes; <c>data</c> is the body in base64. An empty body is
/// one document of size 0. The body is one entity by nature, so it is read whole, into a pooled
/// buffer that grows by doubling; the host's request body size limit is the only limit.
/// </remarks>
public sealed class BinaryParser : IParser
{
    /// <summary>The content type reported when the request has none.</summary>
    public const string DefaultContentType = "application/octet-stream";

    private const int InitialBufferLength = 16 * 1024;

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialLength(body));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            var document = new JsonObject
            {
                ["contentType"] = string.IsNullOrWhiteSpace(contentType) ? DefaultContentType : contentType,
                ["size"] = length,
                ["data"] = Convert.ToBase64String(buffer, 0, length),
            };
            yield return document;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int InitialLength(Stream body)
    {
        if (body.CanSeek)
        {
            var remaining = body.Length - body.Position;
            if (remaining >= 0 && remaining < Array.MaxLength)
            {
                // One more byte than the body lets the end be seen without growing.
                return (int)Math.Max(remaining + 1, 16);
            }
        }

        return InitialBufferLength;
    }
}
