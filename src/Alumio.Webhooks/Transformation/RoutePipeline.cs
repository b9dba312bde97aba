using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Routing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Runs a route's transformers on one entity, for the processor and for dry runs alike. For the processor a
/// brancher ends the run: its branches become tasks that start at the transformer after it. A dry run goes on
/// through every branch; the result is the entities to deliver, the reasons for what was skipped, or the error that
/// stopped it.
/// </summary>
internal static class RoutePipeline
{
    /// <summary>Runs the transformers from <paramref name="first"/> on.</summary>
    /// <param name="route">The route.</param>
    /// <param name="entity">The entity; transformers may change it.</param>
    /// <param name="context">The task; a branch of a dry run sees its own captures.</param>
    /// <param name="first">The index of the first transformer to run.</param>
    /// <param name="splitAtBrancher">Whether a brancher ends the run with its branches (the processor), or the run goes on through each branch (a dry run).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async ValueTask<PipelineOutcome> RunAsync(IRoute route, JsonNode entity, TaskContext context, int first, bool splitAtBrancher, CancellationToken cancellationToken)
    {
        var current = new List<(JsonNode Entity, string? Branch, TaskContext Context)> { (entity, null, context) };
        var skipped = new List<string>();
        var branched = false;
        var names = route.TransformerNames;
        for (var i = first; i < route.Transformers.Count && current.Count > 0; i++)
        {
            var transformer = route.Transformers[i];
            var name = names is not null && i < names.Count ? names[i] : Transformers.NameOf(transformer);
            var next = new List<(JsonNode, string?, TaskContext)>(current.Count);
            foreach (var (item, branch, itemContext) in current)
            {
                if (transformer is BrancherTransformer brancher)
                {
                    branched = true;
                    var branches = brancher.BranchMatches(item);
                    if (branches.Count == 0)
                    {
                        skipped.Add($"The brancher (transformer {i}) found nothing at '{brancher.Pattern}'{On(branch)}.");
                    }
                    else if (splitAtBrancher)
                    {
                        // Only the dry run goes past a brancher, so the processor has one entity here.
                        return new PipelineOutcome([], skipped, branched, null, false) { Branches = branches, NextTransformer = i + 1 };
                    }

                    for (var b = 0; b < branches.Count; b++)
                    {
                        var number = (b + 1).ToString(CultureInfo.InvariantCulture);
                        var task = itemContext.Task;
                        var branchContext = branches[b].Captures.Count == 0 ? itemContext : itemContext with { Task = task with { Captures = [.. task.Captures, .. branches[b].Captures] } };
                        next.Add((branches[b].Node!, branch is null ? number : branch + "." + number, branchContext));
                    }

                    continue;
                }

                EntityTransformResult result;
                try
                {
                    result = await transformer.TransformAsync(item, itemContext, cancellationToken).ConfigureAwait(false);
                }
                catch (TransformerException exception)
                {
                    return PipelineOutcome.Failure(Where(route, i, name, exception.Trail, branch, exception.Path) + exception.Message, permanent: true, branched);
                }
                catch (PlaceholderException exception)
                {
                    return PipelineOutcome.Failure(Where(route, i, name, null, branch, null) + exception.Message, permanent: true, branched);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Code of your own may fail for reasons that pass (a lookup that timed out): those are retried.
                    return PipelineOutcome.Failure($"{Where(route, i, name, null, branch, null)}{exception.GetType().Name}: {exception.Message}", permanent: false, branched);
                }

                if (result.IsSkipped)
                {
                    skipped.Add(branch is null ? result.SkipReason : $"Branch {branch}: {result.SkipReason}");
                }
                else
                {
                    next.Add((result.Entity, branch, itemContext));
                }
            }

            current = next;
        }

        return new PipelineOutcome([.. current.Select(item => item.Entity)], skipped, branched, null, false);
    }

    private static string On(string? branch) => branch is null ? string.Empty : $" on branch {branch}";

    private static string Where(IRoute route, int index, string name, string? trail, string? branch, string? path)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Route '{route.Name}', transformer {index} ({name})");
        if (trail is not null)
        {
            text.Append(" > ").Append(trail);
        }

        text.Append(On(branch));
        if (path is not null)
        {
            text.Append(", at '").Append(path).Append('\'');
        }

        return text.Append(": ").ToString();
    }
}

/// <summary>What a route's transformers made of an entity.</summary>
/// <param name="Entities">The entities to deliver, in order; empty when everything was skipped or on failure.</param>
/// <param name="SkipReasons">Why entities (or branches) were skipped.</param>
/// <param name="Branched">Whether a brancher ran, so the entities are branches.</param>
/// <param name="Error">Why the transformers failed; <see langword="null"/> when they did not.</param>
/// <param name="Permanent">Whether the failure would repeat on a retry (an error in the data rather than a passing one).</param>
internal sealed record PipelineOutcome(IReadOnlyList<JsonNode> Entities, IReadOnlyList<string> SkipReasons, bool Branched, string? Error, bool Permanent)
{
    /// <summary>Gets the branches a brancher split the entity into, when the run ended there to make them tasks.</summary>
    public IReadOnlyList<PatternMatch>? Branches { get; init; }

    /// <summary>Gets the transformer the branch tasks start at: the one after the brancher.</summary>
    public int NextTransformer { get; init; }

    public bool Failed => Error is not null;

    public bool Skipped => Error is null && Entities.Count == 0 && Branches is null;

    /// <summary>The reason for a skipped task: the one reason, or for branches how many and why.</summary>
    public string SkipReason => SkipReasons.Count switch
    {
        0 => "Nothing to deliver.",
        1 => SkipReasons[0],
        _ => string.Create(CultureInfo.InvariantCulture, $"All {SkipReasons.Count} branches were skipped. ") + string.Join(" ", SkipReasons.Distinct(StringComparer.Ordinal)),
    };

    public static PipelineOutcome Failure(string error, bool permanent, bool branched) => new([], [], branched, error, permanent);
}
