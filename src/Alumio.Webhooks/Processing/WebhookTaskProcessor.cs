using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Diagnostics;
using Alumio.Webhooks.Routing;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Transformation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alumio.Webhooks.Processing;

/// <summary>
/// Leases due tasks and runs each through its route: transformers, then the outgoing. Records <c>Finished</c>,
/// <c>Skipped</c>, <c>Retry</c> (with the time of the next attempt, per the route's <see cref="RetryPolicy"/>) or
/// <c>Failed</c>, and every attempt in the task's history.
/// </summary>
/// <remarks>
/// Cancelling a call stops it taking tasks: leased tasks not yet started are given back to the store, and tasks
/// already being delivered are finished, so a graceful shutdown neither loses nor needlessly repeats a delivery.
/// </remarks>
public sealed class WebhookTaskProcessor
{
    private readonly WebhookModel _model;
    private readonly ITaskStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<TaskProcessorOptions> _options;
    private readonly WebhookDiagnostics _diagnostics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.OrdinalIgnoreCase);

    internal WebhookTaskProcessor(
        WebhookDiagnostics diagnostics,
        WebhookModel model,
        ITaskStore store,
        TimeProvider timeProvider,
        IServiceProvider services,
        IOptionsMonitor<TaskProcessorOptions> options,
        ILogger<WebhookTaskProcessor> logger)
    {
        _diagnostics = diagnostics;
        _model = model;
        _store = store;
        _timeProvider = timeProvider;
        _services = services;
        _options = options;
        _logger = logger;
    }

    /// <summary>Leases one batch of due tasks and processes it.</summary>
    /// <param name="cancellationToken">Stops taking tasks: unstarted leased tasks are given back, started ones finish.</param>
    /// <returns>How many tasks were leased (processed or given back).</returns>
    public async ValueTask<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var request = new TaskLeaseRequest(options.BatchSize, options.LeaseDuration) { ExcludedRoutes = RoutesAtCapacity() };
        return await ProcessAsync(request, options.MaxConcurrency, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Processes batches until no task is due.</summary>
    /// <param name="cancellationToken">Stops taking tasks, as for <see cref="ProcessBatchAsync"/>.</param>
    /// <returns>How many tasks were leased in total.</returns>
    public async ValueTask<int> ProcessAllDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int processed;
        while (!cancellationToken.IsCancellationRequested && (processed = await ProcessBatchAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += processed;
        }

        return total;
    }

    /// <summary>Delivers the tasks of one request on some routes at once: the real-time routes of a request just stored.</summary>
    internal async ValueTask<int> ProcessRequestAsync(string requestId, IReadOnlyCollection<string> routes, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var total = 0;
        int processed;
        var request = new TaskLeaseRequest(options.BatchSize, options.LeaseDuration) { RequestId = requestId, Routes = routes };
        while (!cancellationToken.IsCancellationRequested && (processed = await ProcessAsync(request, options.MaxConcurrency, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += processed;
        }

        return total;
    }

    private async ValueTask<int> ProcessAsync(TaskLeaseRequest request, int maxConcurrency, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested)
        {
            return 0;
        }

        var tasks = await _store.LeaseAsync(request, CancellationToken.None).ConfigureAwait(false);
        if (tasks.Count == 0)
        {
            return 0;
        }

        var giveBack = new ConcurrentBag<WebhookTask>();
        await Parallel.ForEachAsync(
            tasks,
            new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency },
            async (task, _) =>
            {
                // A stopping processor starts nothing new, and a route at its limit takes no more here.
                if (stopping.IsCancellationRequested || !TryEnter(task.Route))
                {
                    giveBack.Add(task);
                    return;
                }

                try
                {
                    await RunAsync(task).ConfigureAwait(false);
                }
                finally
                {
                    Leave(task.Route);
                }
            }).ConfigureAwait(false);

        if (!giveBack.IsEmpty)
        {
            await _store.ReleaseAsync([.. giveBack], CancellationToken.None).ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                Log.ProcessorStopping(_logger, giveBack.Count);
            }
        }

        return tasks.Count;
    }

    private async ValueTask RunAsync(WebhookTask task)
    {
        using var activity = WebhookDiagnostics.ActivitySource.StartActivity("alumio.webhooks.process", ActivityKind.Internal);
        activity?.SetTag("alumio.task_id", task.Id);
        activity?.SetTag("alumio.route", task.Route);
        var started = _timeProvider.GetUtcNow();

        // A delivery in flight is finished even while the host stops; the lease bounds how long it may take.
        var statusCode = new StrongBox<int?>();
        var (outcome, branches) = await AttemptAsync(task, statusCode, CancellationToken.None).ConfigureAwait(false);
        var finished = _timeProvider.GetUtcNow();
        var attempt = new TaskAttempt(outcome.Attempts, started, finished, outcome.Status, outcome.LastError) { StatusCode = statusCode.Value };
        var recorded = branches.Count == 0
            ? await _store.CompleteAsync(outcome with { UpdatedAt = finished }, attempt, CancellationToken.None).ConfigureAwait(false)
            : await _store.BranchAsync(outcome with { UpdatedAt = finished }, attempt, branches, CancellationToken.None).ConfigureAwait(false);
        if (!recorded)
        {
            Log.LeaseLost(_logger, task.Id, task.Route);
            return;
        }

        activity?.SetTag("alumio.task.status", outcome.Status.ToString());
        if (outcome.Status is WebhookTaskStatus.Failed or WebhookTaskStatus.Retry)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome.LastError);
        }

        if (branches.Count > 0)
        {
            activity?.SetTag("alumio.task.branches", branches.Count);
            Log.TaskBranched(_logger, task.Id, task.Route, branches.Count);
        }

        _diagnostics.TaskCompleted(outcome.Route, outcome.Status);
    }

    /// <summary>
    /// Runs the route's transformers and delivers, or makes the branch tasks when a brancher split the entity; the
    /// receiver's last status code goes to <paramref name="statusCode"/>.
    /// </summary>
    private async ValueTask<(WebhookTask Outcome, IReadOnlyList<WebhookTask> Branches)> AttemptAsync(WebhookTask task, StrongBox<int?> statusCode, CancellationToken cancellationToken)
    {
        var attempts = task.Attempts + 1;
        if (!_model.Routes.TryGetValue(task.Route, out var route))
        {
            return (Fail(task, attempts, $"The route '{task.Route}' is no longer configured."), []);
        }

        if (task.FirstTransformer > 0
            && (task.FirstTransformer > route.Transformers.Count || route.Transformers[task.FirstTransformer - 1] is not BrancherTransformer))
        {
            // The branch was made by a brancher that is no longer where it was: the route's transformers were changed.
            return (Fail(task, attempts, string.Create(CultureInfo.InvariantCulture, $"Route '{route.Name}': the task is a branch that starts at transformer {task.FirstTransformer}, after a brancher, but the route's transformers have changed and transformer {task.FirstTransformer - 1} is no longer a brancher.")), []);
        }

        var context = new TaskContext(task, _services);
        try
        {
            var entity = JsonEntity.ToNode(task.EntityUtf8);
            var outcome = await RoutePipeline.RunAsync(route, entity, context, task.FirstTransformer, splitAtBrancher: true, cancellationToken).ConfigureAwait(false);
            if (outcome.Failed)
            {
                // An error in the data (a TransformerException or PlaceholderException) would fail every retry the same way.
                return (outcome.Permanent ? Fail(task, attempts, outcome.Error!) : FailOrRetry(task, route, attempts, outcome.Error!, null), []);
            }

            if (outcome.Branches is { } matches)
            {
                var now = _timeProvider.GetUtcNow();
                var branches = new WebhookTask[matches.Count];
                for (var i = 0; i < matches.Count; i++)
                {
                    branches[i] = new WebhookTask(TaskIds.Next(now), task.RequestId, task.Webhook, task.Route, JsonEntity.ToUtf8(matches[i].Node!), WebhookTaskStatus.New, 0, null, now, now)
                    {
                        ParentId = task.Id,
                        FirstTransformer = outcome.NextTransformer,
                        Captures = matches[i].Captures.Count == 0 ? task.Captures : [.. task.Captures, .. matches[i].Captures],
                    };
                }

                return (Complete(task, WebhookTaskStatus.Finished, attempts, null), branches);
            }

            if (outcome.Skipped)
            {
                Log.TaskSkipped(_logger, task.Id, route.Name, outcome.SkipReason);
                return (Complete(task, WebhookTaskStatus.Skipped, attempts, outcome.SkipReason), []);
            }

            // Without a brancher in its way, the run ends with the one entity to deliver.
            var delivery = await route.Outgoing.SendAsync(outcome.Entities[0], context, cancellationToken).ConfigureAwait(false);
            statusCode.Value = delivery.StatusCode;
            if (!delivery.Succeeded)
            {
                var error = $"Outgoing '{route.OutgoingName}': {delivery.Error}";
                return (delivery.IsPermanent ? Fail(task, attempts, error) : FailOrRetry(task, route, attempts, error, delivery.RetryAfter), []);
            }

            Log.TaskFinished(_logger, task.Id, route.Name, attempts);
            return (Complete(task, WebhookTaskStatus.Finished, attempts, null), []);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (FailOrRetry(task, route, attempts, $"{exception.GetType().Name}: {exception.Message}", null), []);
        }
    }

    private WebhookTask FailOrRetry(WebhookTask task, IRoute route, int attempts, string error, TimeSpan? retryAfter)
    {
        var policy = route.Retry;
        var retry = attempts; // the retry that would come next: attempt 1 failed, so retry 1
        if (retry > policy.MaxRetries)
        {
            return Fail(task, attempts, error);
        }

        var wait = retryAfter is { } asked ? (asked > policy.MaxInterval ? policy.MaxInterval : asked) : policy.Backoff(retry, Random.Shared.NextDouble());
        var due = _timeProvider.GetUtcNow() + wait;
        Log.TaskRetrying(_logger, task.Id, task.Route, attempts, due, error);
        return Complete(task, WebhookTaskStatus.Retry, attempts, error) with { DueAt = due };
    }

    private WebhookTask Fail(WebhookTask task, int attempts, string error)
    {
        Log.TaskFailed(_logger, task.Id, task.Route, error);
        return Complete(task, WebhookTaskStatus.Failed, attempts, error);
    }

    private WebhookTask Complete(WebhookTask task, WebhookTaskStatus status, int attempts, string? error) =>
        task with { Status = status, Attempts = attempts, LastError = error, DueAt = null, UpdatedAt = _timeProvider.GetUtcNow() };

    private string[] RoutesAtCapacity() =>
        [.. _model.Routes.Values.Where(route => route.MaxConcurrency is { } limit && _inFlight.GetValueOrDefault(route.Name) >= limit).Select(route => route.Name)];

    private bool TryEnter(string routeName)
    {
        var limit = _model.Routes.TryGetValue(routeName, out var route) ? route.MaxConcurrency : null;
        while (true)
        {
            var known = _inFlight.TryGetValue(routeName, out var current);
            if (limit is { } max && current >= max)
            {
                return false;
            }

            if (known ? _inFlight.TryUpdate(routeName, current + 1, current) : _inFlight.TryAdd(routeName, 1))
            {
                return true;
            }
        }
    }

    private void Leave(string routeName) => _inFlight.AddOrUpdate(routeName, 0, (_, current) => current - 1);
}
