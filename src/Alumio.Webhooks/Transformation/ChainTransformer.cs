using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Runs transformers one after the other as one (prototype <c>chain</c>): to reuse a group of them, or to give a
/// <see cref="ConditionalTransformer"/> branch several steps. A skip by any of them skips the task.
/// </summary>
public sealed class ChainTransformer : IEntityTransformer
{
    private readonly IEntityTransformer[] _transformers;

    /// <summary>Initializes a new instance of the <see cref="ChainTransformer"/> class.</summary>
    /// <param name="transformers">The transformers, in order; a <see cref="BrancherTransformer"/> is not allowed here, only directly in a route.</param>
    /// <exception cref="ArgumentException">A transformer is null or a brancher.</exception>
    public ChainTransformer(IEnumerable<IEntityTransformer> transformers)
    {
        _transformers = Nested.Check(transformers, nameof(transformers));
    }

    /// <summary>Gets the transformers, in order.</summary>
    public IReadOnlyList<IEntityTransformer> Transformers => _transformers;

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken) =>
        Nested.RunAsync(_transformers, "Transformers", entity, context, cancellationToken);
}
