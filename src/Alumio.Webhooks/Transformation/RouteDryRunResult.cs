using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Transformation;

/// <summary>What a route's transformers made of a sample entity.</summary>
/// <param name="Status">How the run ended.</param>
/// <param name="Entities">
/// What the outgoing would receive, in order: one entity, or one per branch when a brancher ran; empty when skipped or failed.
/// </param>
/// <param name="Reason">Why the entity was skipped, why the run failed, or which branches were skipped; <see langword="null"/> otherwise.</param>
/// <param name="Branched">Whether a brancher ran, so <see cref="Entities"/> are branches.</param>
public sealed record RouteDryRunResult(RouteDryRunStatus Status, IReadOnlyList<JsonNode> Entities, string? Reason, bool Branched)
{
    /// <summary>Gets the entity the outgoing would receive: the single entity, or the branches as one array; <see langword="null"/> when skipped or failed.</summary>
    public JsonNode? Entity => Status != RouteDryRunStatus.Continue
        ? null
        : Branched ? new JsonArray([.. Entities.Select(entity => entity.DeepClone())]) : Entities[0];
}
