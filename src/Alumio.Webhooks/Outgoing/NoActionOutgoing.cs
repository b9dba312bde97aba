using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Outgoing;

/// <summary>
/// Delivers nothing: the task just finishes (prototype <c>no-action</c>). For routes whose transformers do the work,
/// or to keep a record of entities without sending them anywhere.
/// </summary>
public sealed class NoActionOutgoing : IOutgoing
{
    /// <summary>Gets the one instance.</summary>
    public static NoActionOutgoing Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<OutgoingResult> SendAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(OutgoingResult.Success());
}
