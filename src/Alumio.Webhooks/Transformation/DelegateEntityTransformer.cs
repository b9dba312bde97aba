using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Transformation;

/// <summary>An entity transformer written as a code delegate.</summary>
public sealed class DelegateEntityTransformer : IEntityTransformer
{
    private readonly Func<JsonNode, TaskContext, CancellationToken, ValueTask<EntityTransformResult>> _transform;

    /// <summary>Initializes a new instance of the <see cref="DelegateEntityTransformer"/> class.</summary>
    /// <param name="transform">The transformation.</param>
    public DelegateEntityTransformer(Func<JsonNode, TaskContext, CancellationToken, ValueTask<EntityTransformResult>> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        _transform = transform;
    }

    /// <summary>Initializes a new instance of the <see cref="DelegateEntityTransformer"/> class.</summary>
    /// <param name="transform">A synchronous transformation.</param>
    public DelegateEntityTransformer(Func<JsonNode, EntityTransformResult> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        _transform = (entity, _, _) => ValueTask.FromResult(transform(entity));
    }

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken) =>
        _transform(entity, context, cancellationToken);
}
