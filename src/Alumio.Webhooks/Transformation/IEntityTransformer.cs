using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Transformation;

/// <summary>Reshapes an entity on its way from an incoming to an outgoing, or decides to skip it.</summary>
public interface IEntityTransformer
{
    /// <summary>Transforms an entity.</summary>
    /// <param name="entity">The entity; the transformer may change it in place or return another node.</param>
    /// <param name="context">The task being processed.</param>
    /// <param name="cancellationToken">Cancels the transformation.</param>
    /// <returns>The transformed entity, or <see cref="EntityTransformResult.Skip"/> to end the task as skipped.</returns>
    ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken);
}
