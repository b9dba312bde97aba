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

    [LoggerMessage(5, LogLevel.Information, "Webhook {Webhook} received a signed message again; acknowledged as request {RequestId} without storing it twice", EventName = "WebhookRepeated")]
    public static partial void WebhookRepeated(ILogger logger, string webhook, string requestId);

    [LoggerMessage(10, LogLevel.Debug, "Task {TaskId} on route {Route} finished after {Attempts} attempts", EventName = "TaskFinished")]
    public static partial void TaskFinished(ILogger logger, Guid taskId, string route, int attempts);

    [LoggerMessage(11, LogLevel.Warning, "Task {TaskId} on route {Route} failed: {Error}", EventName = "TaskFailed")]
    public static partial void TaskFailed(ILogger logger, Guid taskId, string route, string error);

    [LoggerMessage(12, LogLevel.Information, "Task {TaskId} on route {Route} was skipped: {Reason}", EventName = "TaskSkipped")]
    public static partial void TaskSkipped(ILogger logger, Guid taskId, string route, string reason);

    [LoggerMessage(13, LogLevel.Error, "The task processor could not lease or save tasks; it tries again after its poll interval", EventName = "ProcessorError")]
    public static partial void ProcessorError(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Debug, "Task processor started: batch {BatchSize}, concurrency {MaxConcurrency}", EventName = "ProcessorStarted")]
    public static partial void ProcessorStarted(ILogger logger, int batchSize, int maxConcurrency);
}
