using System.Diagnostics;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Diagnostics;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alumio.Webhooks.Processing;

/// <summary>
/// Leases due tasks from the <see cref="ITaskStore"/>, runs each through its route's transformers and
/// outgoing, and stores the outcome. The background service calls it; tests and custom hosts may too.
/// </summary>
public sealed class WebhookTaskProcessor
{
    private readonly WebhookModel _model;
    private readonly ITaskStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<TaskProcessorOptions> _options;
    private readonly WebhookDiagnostics _diagnostics;
    private readonly ILogger _logger;

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
    /// <param name="cancellationToken">Stops processing; leased tasks not yet finished return to the queue when their lease runs out.</param>
    /// <returns>How many tasks were processed; 0 when none were due.</returns>
    public async ValueTask<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var tasks = await _store.LeaseAsync(options.BatchSize, options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (tasks.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(
            tasks,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = cancellationToken },
            async (task, token) =>
            {
                using var activity = WebhookDiagnostics.ActivitySource.StartActivity("alumio.webhooks.process", ActivityKind.Internal);
                activity?.SetTag("alumio.task_id", task.Id);
                activity?.SetTag("alumio.route", task.Route);
                var outcome = await ProcessAsync(task, token).ConfigureAwait(false);
                await _store.UpdateAsync(outcome, token).ConfigureAwait(false);
                activity?.SetTag("alumio.task.status", outcome.Status.ToString());
                if (outcome.Status == WebhookTaskStatus.Failed)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, outcome.LastError);
                }

                _diagnostics.TaskCompleted(outcome.Route, outcome.Status);
            }).ConfigureAwait(false);
        return tasks.Count;
    }

    /// <summary>Processes batches until no task is due.</summary>
    /// <param name="cancellationToken">Stops processing.</param>
    /// <returns>How many tasks were processed.</returns>
    public async ValueTask<int> ProcessAllDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int processed;
        while ((processed = await ProcessBatchAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += processed;
        }

        return total;
    }

    private async ValueTask<WebhookTask> ProcessAsync(WebhookTask task, CancellationToken cancellationToken)
    {
        var attempts = task.Attempts + 1;
        if (!_model.Routes.TryGetValue(task.Route, out var route))
        {
            return Fail(task, attempts, $"The route '{task.Route}' is no longer configured.");
        }

        var context = new TaskContext(task, _services);
        try
        {
            var entity = JsonEntity.ToNode(task.EntityUtf8);
            for (var i = 0; i < route.Transformers.Count; i++)
            {
                var result = await route.Transformers[i].TransformAsync(entity, context, cancellationToken).ConfigureAwait(false);
                if (result.IsSkipped)
                {
                    Log.TaskSkipped(_logger, task.Id, route.Name, result.SkipReason);
                    return Complete(task, WebhookTaskStatus.Skipped, task.Attempts, result.SkipReason);
                }

                entity = result.Entity;
            }

            var delivery = await route.Outgoing.SendAsync(entity, context, cancellationToken).ConfigureAwait(false);
            if (!delivery.Succeeded)
            {
                return Fail(task, attempts, $"Outgoing '{route.OutgoingName}': {delivery.Error}");
            }

            Log.TaskFinished(_logger, task.Id, route.Name, attempts);
            return Complete(task, WebhookTaskStatus.Finished, attempts, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Fail(task, attempts, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private WebhookTask Fail(WebhookTask task, int attempts, string error)
    {
        Log.TaskFailed(_logger, task.Id, task.Route, error);
        return Complete(task, WebhookTaskStatus.Failed, attempts, error);
    }

    private WebhookTask Complete(WebhookTask task, WebhookTaskStatus status, int attempts, string? error) =>
        task with { Status = status, Attempts = attempts, LastError = error, UpdatedAt = _timeProvider.GetUtcNow() };
}
