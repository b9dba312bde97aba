using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Outgoing;

/// <summary>Delivers one entity to an outgoing system.</summary>
public interface IOutgoing
{
    /// <summary>Delivers an entity.</summary>
    /// <param name="entity">The entity after the route's transformers.</param>
    /// <param name="context">The task being processed.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>Whether the system accepted the entity, and if not, why.</returns>
    ValueTask<OutgoingResult> SendAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken);
}
