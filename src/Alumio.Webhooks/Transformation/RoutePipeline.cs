using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Routing;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Runs a route's transformers on one entity, for the processor and for dry runs alike. A brancher splits the
/// entity and the transformers after it run on each branch; the result is the entities to deliver, the reasons
/// for what was skipped, or the error that stopped it.
/// </summary>
internal static class RoutePipeline
{
    public static async ValueTask<PipelineOutcome> RunAsync(IRoute route, JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        var current = new List<(JsonNode Entity, string? Branch)> { (entity, null) };
        var skipped = new List<string>();
        var branched = false;
        var names = route.TransformerNames;
        for (var i = 0; i < route.Transformers.Count && current.Count > 0; i++)
        {
            var transformer = route.Transformers[i];
            var name = names is not null && i < names.Count ? names[i] : Transformers.NameOf(transformer);
            var next = new List<(JsonNode, string?)>(current.Count);
            foreach (var (item, branch) in current)
            {
                if (transformer is BrancherTransformer brancher)
                {
                    branched = true;
                    var branches = brancher.Branch(item);
                    if (branches.Count == 0)
                    {
                        skipped.Add($"The brancher (transformer {i}) found nothing at '{brancher.Pattern}'{On(branch)}.");
                    }

                    for (var b = 0; b < branches.Count; b++)
                    {
                        var number = (b + 1).ToString(CultureInfo.InvariantCulture);
                        next.Add((branches[b], branch is null ? number : branch + "." + number));
                    }

                    continue;
                }

                EntityTransformResult result;
                try
                {
                    result = await transformer.TransformAsync(item, context, cancellationToken).ConfigureAwait(false);
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
                    next.Add((result.Entity, branch));
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
    public bool Failed => Error is not null;

    public bool Skipped => Error is null && Entities.Count == 0;

    /// <summary>The reason for a skipped task: the one reason, or for branches how many and why.</summary>
    public string SkipReason => SkipReasons.Count switch
    {
        0 => "Nothing to deliver.",
        1 => SkipReasons[0],
        _ => string.Create(CultureInfo.InvariantCulture, $"All {SkipReasons.Count} branches were skipped. ") + string.Join(" ", SkipReasons.Distinct(StringComparer.Ordinal)),
    };

    public static PipelineOutcome Failure(string error, bool permanent, bool branched) => new([], [], branched, error, permanent);
}
