using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.Diagnostics;

/// <summary>Every log event of the core package. Event ids are stable; no event carries a secret.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Webhook {Webhook} accepted request {RequestId}: {Items} items, {Tasks} tasks stored", EventName = "WebhookAccepted")]
    public static partial void WebhookAccepted(ILogger logger, string webhook, string requestId, int items, int tasks);

    [LoggerMessage(2, LogLevel.Warning, "Webhook {Webhook} rejected a request with {StatusCode}: {Reason}", EventName = "WebhookRejected")]
    public static partial void WebhookRejected(ILogger logger, string webhook, int statusCode, string reason);

    [LoggerMessage(3, LogLevel.Debug, "No webhook is configured as {Webhook}", EventName = "WebhookUnknown")]
    public static partial void WebhookUnknown(ILogger logger, string webhook);

    [LoggerMessage(4, LogLevel.Error, "Webhook {Webhook} could not store {Tasks} tasks; the request was refused with 503", EventName = "StoreFailed")]
    public static partial void StoreFailed(ILogger logger, string webhook, int tasks, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Webhook {Webhook} received a request it already stored (same idempotency key or signed message); acknowledged as request {RequestId} without storing it twice", EventName = "WebhookRepeated")]
    public static partial void WebhookRepeated(ILogger logger, string webhook, string requestId);

    [LoggerMessage(6, LogLevel.Error, "Webhook {Webhook} stored request {RequestId}, but delivering its real-time routes failed; the tasks stay stored for the background processor", EventName = "RealTimeFailed")]
    public static partial void RealTimeFailed(ILogger logger, string webhook, string requestId, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Task {TaskId} on route {Route} finished after {Attempts} attempts", EventName = "TaskFinished")]
    public static partial void TaskFinished(ILogger logger, Guid taskId, string route, int attempts);

    [LoggerMessage(11, LogLevel.Warning, "Task {TaskId} on route {Route} failed: {Error}", EventName = "TaskFailed")]
    public static partial void TaskFailed(ILogger logger, Guid taskId, string route, string error);

    [LoggerMessage(12, LogLevel.Information, "Task {TaskId} on route {Route} was skipped: {Reason}", EventName = "TaskSkipped")]
    public static partial void TaskSkipped(ILogger logger, Guid taskId, string route, string reason);

    [LoggerMessage(13, LogLevel.Error, "The task processor could not lease or save tasks; it tries again after its poll interval", EventName = "ProcessorError")]
    public static partial void ProcessorError(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Information, "Task {TaskId} on route {Route} failed attempt {Attempts}; retrying at {DueAt}: {Error}", EventName = "TaskRetrying")]
    public static partial void TaskRetrying(ILogger logger, Guid taskId, string route, int attempts, DateTimeOffset dueAt, string error);

    [LoggerMessage(16, LogLevel.Warning, "Task {TaskId} on route {Route} outlived its lease and was handed to another processor; this outcome was not recorded. Raise LeaseDuration above the slowest delivery", EventName = "LeaseLost")]
    public static partial void LeaseLost(ILogger logger, Guid taskId, string route);

    [LoggerMessage(17, LogLevel.Warning, "Tasks are kept in memory (InMemoryTaskStore) and are lost when the process stops; use UseSqliteTaskStore or UsePostgreSqlTaskStore outside tests and demos", EventName = "InMemoryStore")]
    public static partial void InMemoryStore(ILogger logger);

    [LoggerMessage(18, LogLevel.Information, "Pruned {Count} finished and skipped tasks last updated before {Cut}", EventName = "TasksPruned")]
    public static partial void TasksPruned(ILogger logger, int count, DateTimeOffset cut);

    [LoggerMessage(19, LogLevel.Information, "Task processor stopping: {Released} leased tasks given back, in-flight tasks finished", EventName = "ProcessorStopping")]
    public static partial void ProcessorStopping(ILogger logger, int released);

    [LoggerMessage(31, LogLevel.Information, "Task {TaskId} on route {Route} branched into {Branches} tasks", EventName = "TaskBranched")]
    public static partial void TaskBranched(ILogger logger, Guid taskId, string route, int branches);

    [LoggerMessage(14, LogLevel.Debug, "Task processor started: batch {BatchSize}, concurrency {MaxConcurrency}", EventName = "ProcessorStarted")]
    public static partial void ProcessorStarted(ILogger logger, int batchSize, int maxConcurrency);
}
