using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Runs one list of transformers when a condition holds and another when it does not (prototype <c>conditional</c>):
/// set a value only for one carrier, map differently per country. Either list may be empty; a skip in the list that
/// runs skips the task.
/// </summary>
public sealed class ConditionalTransformer : IEntityTransformer
{
    private readonly IEntityTransformer[] _then;
    private readonly IEntityTransformer[] _otherwise;

    /// <summary>Initializes a new instance of the <see cref="ConditionalTransformer"/> class.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="then">The transformers that run when it holds (configuration <c>Then</c>).</param>
    /// <param name="otherwise">The transformers that run when it does not (configuration <c>Else</c>); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A transformer is null or a <see cref="BrancherTransformer"/>, which is allowed only directly in a route.</exception>
    public ConditionalTransformer(IEntityCondition condition, IEnumerable<IEntityTransformer> then, IEnumerable<IEntityTransformer>? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Condition = condition;
        _then = Nested.Check(then, nameof(then));
        _otherwise = otherwise is null ? [] : Nested.Check(otherwise, nameof(otherwise));
    }

    /// <summary>Gets the condition.</summary>
    public IEntityCondition Condition { get; }

    /// <summary>Gets the transformers that run when the condition holds.</summary>
    public IReadOnlyList<IEntityTransformer> Then => _then;

    /// <summary>Gets the transformers that run when it does not.</summary>
    public IReadOnlyList<IEntityTransformer> Else => _otherwise;

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return Transformers.IsMet(Condition, entity)
            ? Nested.RunAsync(_then, "Then", entity, context, cancellationToken)
            : Nested.RunAsync(_otherwise, "Else", entity, context, cancellationToken);
    }
}
