using System.Text.Json.Nodes;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Routing;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Runs a route's transformers on a sample entity and tells what they made of it, without storing or delivering
/// anything: to develop a mapping without sending data. Transformers see a made-up task with
/// <see cref="TaskContext.IsDryRun"/> set. Registered by <c>AddAlumioWebhooks</c>; mapped over HTTP by
/// <c>MapWebhookRoutes</c> as <c>POST {BasePath}/routes/{route}/dry-run</c>.
/// </summary>
public sealed class RouteDryRun
{
    /// <summary>The request id and webhook of the made-up task a dry run gives its transformers.</summary>
    public const string DryRunId = "dry-run";

    private readonly WebhookModel _model;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _timeProvider;

    internal RouteDryRun(WebhookModel model, IServiceProvider services, TimeProvider timeProvider)
    {
        _model = model;
        _services = services;
        _timeProvider = timeProvider;
    }

    /// <summary>Runs the transformers of a configured route.</summary>
    /// <param name="route">The route's name, matched case-insensitively.</param>
    /// <param name="entity">The sample entity; it is copied, not changed.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The entities the outgoing would receive, or why there are none.</returns>
    /// <exception cref="ArgumentException">No route has the name.</exception>
    public ValueTask<RouteDryRunResult> RunAsync(string route, JsonNode entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (!_model.Routes.TryGetValue(route, out var found))
        {
            throw new ArgumentException($"No route is named '{route}'.", nameof(route));
        }

        return RunAsync(found, entity, cancellationToken);
    }

    /// <summary>Runs the transformers of a route.</summary>
    /// <param name="route">The route.</param>
    /// <param name="entity">The sample entity; it is copied, not changed.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The entities the outgoing would receive, or why there are none.</returns>
    public ValueTask<RouteDryRunResult> RunAsync(IRoute route, JsonNode entity, CancellationToken cancellationToken) =>
        RunAsync(route, entity, [], cancellationToken);

    /// <summary>Runs the transformers of a route on a sample entity with the captures a task of it would have.</summary>
    /// <param name="route">The route.</param>
    /// <param name="entity">The sample entity; it is copied, not changed.</param>
    /// <param name="captures">What <c>$1</c>, <c>$2</c>, ... give: the captures of the incoming's pattern to items for such an entity.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The entities the outgoing would receive, or why there are none.</returns>
    public async ValueTask<RouteDryRunResult> RunAsync(IRoute route, JsonNode entity, IReadOnlyList<string> captures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(captures);
        var sample = entity.DeepClone();
        var now = _timeProvider.GetUtcNow();
        var task = new WebhookTask(Guid.Empty, DryRunId, DryRunId, route.Name, JsonEntity.ToUtf8(sample), WebhookTaskStatus.Processing, 0, null, now, now)
        {
            Captures = [.. captures],
        };
        var context = new TaskContext(task, _services) { IsDryRun = true };
        var outcome = await RoutePipeline.RunAsync(route, sample, context, first: 0, splitAtBrancher: false, cancellationToken).ConfigureAwait(false);
        if (outcome.Failed)
        {
            return new RouteDryRunResult(RouteDryRunStatus.Failed, [], outcome.Error, outcome.Branched);
        }

        if (outcome.Skipped)
        {
            return new RouteDryRunResult(RouteDryRunStatus.Skipped, [], outcome.SkipReason, outcome.Branched);
        }

        var reason = outcome.SkipReasons.Count == 0
            ? null
            : $"{outcome.SkipReasons.Count} of {outcome.SkipReasons.Count + outcome.Entities.Count} branches were skipped. {string.Join(" ", outcome.SkipReasons.Distinct(StringComparer.Ordinal))}";
        return new RouteDryRunResult(RouteDryRunStatus.Continue, outcome.Entities, reason, outcome.Branched);
    }
}
