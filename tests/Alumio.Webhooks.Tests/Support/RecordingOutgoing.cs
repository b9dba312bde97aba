using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Tests.Support;

/// <summary>An outgoing that keeps what it was sent and answers as told.</summary>
public sealed class RecordingOutgoing(Func<JsonNode, OutgoingResult>? answer = null) : IOutgoing
{
    public ConcurrentQueue<string> Sent { get; } = new();

    public ValueTask<OutgoingResult> SendAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        Sent.Enqueue(entity.ToJsonString());
        return ValueTask.FromResult(answer?.Invoke(entity) ?? OutgoingResult.Success());
    }
}
