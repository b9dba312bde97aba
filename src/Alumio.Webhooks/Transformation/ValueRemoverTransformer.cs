using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Removes the keys that match any of its patterns (prototype <c>value-remover</c>), such as <c>customer.email</c>
/// or <c>*password*</c>. Removed array elements close up; keys that are not there are no error.
/// </summary>
public sealed class ValueRemoverTransformer : IEntityTransformer
{
    private readonly ItemPattern[] _patterns;

    /// <summary>Initializes a new instance of the <see cref="ValueRemoverTransformer"/> class.</summary>
    /// <param name="patterns">The pattern paths to remove; at least one.</param>
    /// <exception cref="FormatException">A pattern is invalid.</exception>
    /// <exception cref="ArgumentException">No patterns are given.</exception>
    public ValueRemoverTransformer(IEnumerable<string> patterns)
    {
        _patterns = Transformers.ParsePatterns(patterns, nameof(patterns));
    }

    /// <summary>Gets the pattern paths that are removed.</summary>
    public IReadOnlyList<string> Patterns => [.. _patterns.Select(pattern => pattern.Text)];

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);

        // One pattern at a time: a later pattern sees the entity without what an earlier one removed.
        foreach (var pattern in _patterns)
        {
            EntityLocation.RemoveAll(EntityLocation.Find(pattern, entity).Select(found => found.Location));
        }

        return ValueTask.FromResult(EntityTransformResult.Continue(entity));
    }
}
