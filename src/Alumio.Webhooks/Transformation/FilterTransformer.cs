using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Lets only entities that meet a condition through (prototype <c>filter</c>); any other ends its task as
/// <c>Skipped</c>, with a reason that names the condition, such as
/// <c>Filter condition not met: type equals "shipment"</c>.
/// </summary>
public sealed class FilterTransformer : IEntityTransformer
{
    /// <summary>Initializes a new instance of the <see cref="FilterTransformer"/> class.</summary>
    /// <param name="condition">What an entity must meet to go on.</param>
    public FilterTransformer(IEntityCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Condition = condition;
    }

    /// <summary>Gets what an entity must meet to go on.</summary>
    public IEntityCondition Condition { get; }

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return ValueTask.FromResult(Transformers.IsMet(Condition, entity)
            ? EntityTransformResult.Continue(entity)
            : EntityTransformResult.Skip("Filter condition not met: " + Condition.Describe()));
    }
}
