using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.Sqlite.Diagnostics;

/// <summary>Every log event of the SQLite store. Event ids are stable; no event carries task data.</summary>
internal static partial class Log
{
    [LoggerMessage(201, LogLevel.Information, "SQLite task store opened {Path} (schema version {SchemaVersion})", EventName = "SqliteStoreOpened")]
    public static partial void StoreOpened(ILogger logger, string path, int schemaVersion);

    [LoggerMessage(202, LogLevel.Information, "SQLite task store {Path}: schema migrated from version {FromVersion} to {ToVersion}", EventName = "SqliteSchemaMigrated")]
    public static partial void SchemaMigrated(ILogger logger, string path, int fromVersion, int toVersion);

    [LoggerMessage(203, LogLevel.Warning, "SQLite task store {Path}: removed {Count} staged tasks of requests that never committed (the process stopped while they were received); those requests were never acknowledged", EventName = "SqliteStagedTasksRemoved")]
    public static partial void StagedTasksRemoved(ILogger logger, string path, long count);

    [LoggerMessage(204, LogLevel.Error, "SQLite task store {Path}: a write transaction of {Operations} operations failed; none of them is stored", EventName = "SqliteWriteFailed")]
    public static partial void WriteFailed(ILogger logger, string path, int operations, Exception exception);

    [LoggerMessage(205, LogLevel.Warning, "SQLite task store {Path}: could not delete the staged tasks of an abandoned batch; they stay invisible and are deleted at the next start", EventName = "SqliteCleanupFailed")]
    public static partial void CleanupFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(206, LogLevel.Critical, "SQLite task store {Path}: the writer stopped; every further write fails", EventName = "SqliteWriterStopped")]
    public static partial void WriterStopped(ILogger logger, string path, Exception exception);
}
