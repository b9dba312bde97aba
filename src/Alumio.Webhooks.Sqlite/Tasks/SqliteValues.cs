using Alumio.Webhooks.Tasks;
using Microsoft.Data.Sqlite;

namespace Alumio.Webhooks.Sqlite;

/// <summary>
/// How values are stored: ids as 16 big-endian bytes (so SQLite's byte order is <see cref="Guid.CompareTo(Guid)"/>'s
/// order), times as UTC ticks (100 ns) since the Unix epoch (exact, and readable with
/// <c>datetime(created_at / 10000000, 'unixepoch')</c>), statuses as their numbers.
/// </summary>
internal static class SqliteValues
{
    public static byte[] ToBlob(Guid id)
    {
        var bytes = new byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes;
    }

    public static object ToBlob(Guid? id) => id is { } value ? ToBlob(value) : DBNull.Value;

    public static long ToTicks(DateTimeOffset time) => time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

    public static object ToTicks(DateTimeOffset? time) => time is { } value ? ToTicks(value) : DBNull.Value;

    /// <summary>Whether a task in this status has ended (Finished, Failed, Skipped): it has no due time, and only such tasks are in <c>ix_tasks_ended</c>.</summary>
    public static bool IsEnded(WebhookTaskStatus status) =>
        status is WebhookTaskStatus.Finished or WebhookTaskStatus.Failed or WebhookTaskStatus.Skipped;

    public static DateTimeOffset FromTicks(long ticks) => new(ticks + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero);

    public static object OrNull(string? value) => value is null ? DBNull.Value : value;

    /// <summary>A JSON array of strings, for <c>IN (SELECT value FROM json_each($list))</c>.</summary>
    public static string ToJsonArray(IEnumerable<string> values) => TaskCaptures.ToJsonArray(values);

    public static Guid ReadGuid(SqliteDataReader reader, int ordinal)
    {
        var bytes = ReadBytes(reader, ordinal);
        if (bytes.Length != 16)
        {
            throw new InvalidDataException("A stored id is not 16 bytes long.");
        }

        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Reads a blob column as one array (<see cref="SqliteDataReader.GetBytes"/> opens a blob stream per call, many times slower).</summary>
    public static byte[] ReadBytes(SqliteDataReader reader, int ordinal) => (byte[])reader.GetValue(ordinal);

    /// <summary>Reads a task selected with <see cref="SqliteStatements.TaskColumns"/>, starting at <paramref name="first"/>.</summary>
    public static WebhookTask ReadTask(SqliteDataReader reader, int first = 0)
    {
        var status = (WebhookTaskStatus)reader.GetInt32(first + 5);
        return new WebhookTask(
            ReadGuid(reader, first),
            reader.GetString(first + 1),
            reader.GetString(first + 2),
            reader.GetString(first + 3),
            ReadBytes(reader, first + 4),
            status,
            reader.GetInt32(first + 6),
            reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
            FromTicks(reader.GetInt64(first + 8)),
            FromTicks(reader.GetInt64(first + 9)))
        {
            // A new task is due at once: its stored due time (its creation) only orders the queue.
            DueAt = status == WebhookTaskStatus.New || reader.IsDBNull(first + 10) ? null : FromTicks(reader.GetInt64(first + 10)),
            LeaseId = reader.IsDBNull(first + 11) ? null : ReadGuid(reader, first + 11),
            Captures = TaskCaptures.FromJson(reader.IsDBNull(first + 12) ? null : reader.GetString(first + 12)),
            ParentId = reader.IsDBNull(first + 13) ? null : ReadGuid(reader, first + 13),
            FirstTransformer = reader.GetInt32(first + 14),
        };
    }

    /// <summary>Sets a named parameter, adding it on first use, so a cached command keeps its prepared statement.</summary>
    public static void Set(this SqliteCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index < 0)
        {
            parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        else
        {
            parameters[index].Value = value ?? DBNull.Value;
        }
    }
}
