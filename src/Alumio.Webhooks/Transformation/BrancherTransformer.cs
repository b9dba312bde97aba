using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Splits an entity further into several entities by a pattern (prototype <c>brancher</c>, Alumio's "get branches
/// from a pattern"), as pattern to items does for a request: a pattern that lands on an array gives its elements, one
/// that lands on an object gives it. In a route, each branch becomes a task of its own on the same route (its
/// <see cref="Tasks.WebhookTask.ParentId"/> the task that branched), stored in the same transaction that finishes the
/// task that branched; the transformers after the brancher run on each branch task, which is delivered, retried and
/// shown on its own. A task whose pattern finds nothing is skipped. It is allowed only directly in a route's transformers.
/// </summary>
/// <remarks>
/// A branch's <see cref="Tasks.WebhookTask.Captures"/> are its parent's followed by what the brancher's wildcard keys
/// matched, so after <c>lines.*</c> on an item with no captures, <c>$1</c> is the line's index. To copy a field of the
/// whole entity into every branch, set it first with a wildcard key: <c>value-setter</c> Key <c>lines.*.orderId</c>,
/// Value <c>&amp;{orderId}</c>.
/// </remarks>
public sealed class BrancherTransformer : IEntityTransformer
{
    private readonly PatternItemSplitter _splitter;

    /// <summary>Initializes a new instance of the <see cref="BrancherTransformer"/> class.</summary>
    /// <param name="pattern">The pattern of the branches, such as <c>lines</c> or <c>orders.*.lines</c>.</param>
    /// <exception cref="FormatException">The pattern is invalid.</exception>
    public BrancherTransformer(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _splitter = new PatternItemSplitter(PathSyntax.Parse(pattern));
    }

    /// <summary>Gets the pattern of the branches.</summary>
    public string Pattern => _splitter.Pattern!.Text;

    /// <summary>Splits an entity into its branches, each a copy detached from the entity.</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>The branches, in document order; empty when the pattern finds nothing.</returns>
    public IReadOnlyList<JsonNode> Branch(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return [.. _splitter.Split(entity).Select(branch => branch.DeepClone())];
    }

    /// <summary>Splits an entity into its branches with what the pattern's wildcard keys matched, each a detached copy.</summary>
    internal IReadOnlyList<PatternMatch> BranchMatches(JsonNode entity) =>
        [.. _splitter.SplitMatches(entity).Select(match => match with { Node = match.Node!.DeepClone() })];

    /// <summary>
    /// Outside a route, gives the branches as one JSON array; in a route the processor does not call this, but ends the
    /// task's run at the brancher and stores each branch as a task of its own.
    /// </summary>
    /// <param name="entity">The entity.</param>
    /// <param name="context">The task.</param>
    /// <param name="cancellationToken">Not used.</param>
    /// <returns>The branches as an array.</returns>
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EntityTransformResult.Continue(new JsonArray([.. Branch(entity)])));
}
