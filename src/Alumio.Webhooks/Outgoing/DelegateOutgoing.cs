using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Outgoing;

/// <summary>An outgoing written as a code delegate; it resolves what it needs from <see cref="TaskContext.Services"/>.</summary>
public sealed class DelegateOutgoing : IOutgoing
{
    private readonly Func<JsonNode, TaskContext, CancellationToken, ValueTask<OutgoingResult>> _send;

    /// <summary>Initializes a new instance of the <see cref="DelegateOutgoing"/> class.</summary>
    /// <param name="send">The delivery.</param>
    public DelegateOutgoing(Func<JsonNode, TaskContext, CancellationToken, ValueTask<OutgoingResult>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        _send = send;
    }

    /// <inheritdoc />
    public ValueTask<OutgoingResult> SendAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken) =>
        _send(entity, context, cancellationToken);
}
