using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.PostgreSql.Diagnostics;

/// <summary>Every log event of the PostgreSQL package. Event ids are stable; no event carries a secret (never a connection string).</summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Information, "Task store schema {Schema} migrated to version {Version}: {Description}", EventName = "SchemaMigrated")]
    public static partial void SchemaMigrated(ILogger logger, string schema, int version, string description);

    [LoggerMessage(201, LogLevel.Debug, "Listening for tasks stored by other instances on channel {Channel}", EventName = "Listening")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(202, LogLevel.Warning, "Listening for tasks stored by other instances on channel {Channel} failed; connecting again in {Delay}. Meanwhile the processor polls", EventName = "ListenFailed")]
    public static partial void ListenFailed(ILogger logger, string channel, TimeSpan delay, Exception exception);

    [LoggerMessage(203, LogLevel.Warning, "Branch tasks were stored, but waking the processors failed; they find the tasks at their next poll", EventName = "BranchWakeUpFailed")]
    public static partial void BranchWakeUpFailed(ILogger logger, Exception exception);
}
