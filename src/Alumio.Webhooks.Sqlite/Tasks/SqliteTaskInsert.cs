using System.Text;
using Alumio.Webhooks.Tasks;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Alumio.Webhooks.Sqlite;

/// <summary>
/// <see cref="SqliteStatements.InsertTask"/> as a statement of SQLite's own, prepared once on the writer's connection and
/// bound by position. Through ADO.NET each row cost a data reader, and per parameter a lookup by name and a UTF-8 copy
/// of the name; the insert is the statement a webhook request runs once per task. Values are stored as
/// <see cref="SqliteValues"/> stores them.
/// </summary>
internal sealed class SqliteTaskInsert : IDisposable
{
    private const uint Persistent = 0x01; // SQLITE_PREPARE_PERSISTENT: kept for many executions.

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    /// <summary>The UTF-8 of webhook identifiers and route names, which repeat from row to row.</summary>
    private readonly Dictionary<string, byte[]> _names = new(StringComparer.Ordinal);

    public SqliteTaskInsert(SqliteConnection connection)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
        Check(raw.sqlite3_prepare_v3(_database, SqliteStatements.InsertTask, Persistent, out _statement));
    }

    /// <summary>Inserts a task, staged under a batch or (<paramref name="batch"/> null) visible at once.</summary>
    /// <exception cref="SqliteException">SQLite refused the row; a task id stored already has the extended code 2067.</exception>
    public void Insert(WebhookTask task, long? batch)
    {
        Span<byte> id = stackalloc byte[16];
        Span<byte> lease = stackalloc byte[16];
        Span<byte> parent = stackalloc byte[16];
        task.Id.TryWriteBytes(id, bigEndian: true, out _);
        try
        {
            Check(raw.sqlite3_bind_blob(_statement, 1, id));
            BindText(2, task.RequestId, cache: false);
            BindText(3, task.Webhook, cache: true);
            BindText(4, task.Route, cache: true);
            Check(raw.sqlite3_bind_blob(_statement, 5, task.EntityUtf8.Span));
            Check(raw.sqlite3_bind_int64(_statement, 6, (int)task.Status));
            Check(raw.sqlite3_bind_int64(_statement, 7, task.Attempts));
            BindText(8, task.LastError, cache: false);
            Check(raw.sqlite3_bind_int64(_statement, 9, SqliteValues.ToTicks(task.CreatedAt)));
            Check(raw.sqlite3_bind_int64(_statement, 10, SqliteValues.ToTicks(task.UpdatedAt)));
            Check(SqliteValues.IsEnded(task.Status)
                ? raw.sqlite3_bind_null(_statement, 11)
                : raw.sqlite3_bind_int64(_statement, 11, SqliteValues.ToTicks(task.DueAt ?? task.CreatedAt)));
            if (task.LeaseId is { } leaseId)
            {
                leaseId.TryWriteBytes(lease, bigEndian: true, out _);
                Check(raw.sqlite3_bind_blob(_statement, 12, lease));
            }
            else
            {
                Check(raw.sqlite3_bind_null(_statement, 12));
            }

            Check(batch is { } number ? raw.sqlite3_bind_int64(_statement, 13, number) : raw.sqlite3_bind_null(_statement, 13));
            BindText(14, task.Captures.Count == 0 ? null : TaskCaptures.ToJson(task.Captures), cache: false);
            if (task.ParentId is { } parentId)
            {
                parentId.TryWriteBytes(parent, bigEndian: true, out _);
                Check(raw.sqlite3_bind_blob(_statement, 15, parent));
            }
            else
            {
                Check(raw.sqlite3_bind_null(_statement, 15));
            }

            Check(raw.sqlite3_bind_int64(_statement, 16, task.FirstTransformer));
            var result = raw.sqlite3_step(_statement);
            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _database);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => raw.sqlite3_finalize(_statement);

    private void BindText(int index, string? value, bool cache)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        if (cache)
        {
            if (!_names.TryGetValue(value, out var utf8))
            {
                _names[value] = utf8 = Encoding.UTF8.GetBytes(value);
            }

            Check(raw.sqlite3_bind_text(_statement, index, utf8));
            return;
        }

        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length <= 256)
        {
            Span<byte> buffer = stackalloc byte[length];
            Check(raw.sqlite3_bind_text(_statement, index, buffer[..Encoding.UTF8.GetBytes(value, buffer)]));
        }
        else
        {
            Check(raw.sqlite3_bind_text(_statement, index, Encoding.UTF8.GetBytes(value)));
        }
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _database);
        }
    }
}
