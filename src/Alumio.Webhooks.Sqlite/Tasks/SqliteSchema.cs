using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Alumio.Webhooks.Sqlite;

/// <summary>
/// The store's tables, as numbered migrations applied in order at start-up. <c>schema_version</c> has one row per
/// applied migration; a later release appends migrations here and never edits an applied one.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The migrations, oldest first; each version is one more than the one before.</summary>
    public static readonly IReadOnlyList<SqliteMigration> Migrations =
    [
        new(1, "tasks, attempts and idempotency claims",
            """
            CREATE TABLE tasks (
                id          BLOB    NOT NULL,                -- 16 bytes, big-endian: sorts as Guid.CompareTo does
                request_id  TEXT    NOT NULL,
                webhook     TEXT    NOT NULL COLLATE NOCASE,
                route       TEXT    NOT NULL COLLATE NOCASE,
                entity      BLOB    NOT NULL,                -- UTF-8 JSON
                status      INTEGER NOT NULL,                -- WebhookTaskStatus
                attempts    INTEGER NOT NULL,
                last_error  TEXT,
                created_at  INTEGER NOT NULL,                -- UTC, 100 ns ticks since 1970-01-01
                updated_at  INTEGER NOT NULL,
                due_at      INTEGER,                         -- queue order: creation (New), retry time, lease end; NULL when done
                lease_id    BLOB,
                batch       INTEGER                          -- the uncommitted batch that staged the row; NULL once committed
            );
            CREATE UNIQUE INDEX ux_tasks_id ON tasks (id);
            CREATE INDEX ix_tasks_due ON tasks (due_at, id) WHERE batch IS NULL AND due_at IS NOT NULL;
            CREATE INDEX ix_tasks_batch ON tasks (batch) WHERE batch IS NOT NULL;
            CREATE INDEX ix_tasks_webhook ON tasks (webhook, id);
            CREATE INDEX ix_tasks_route ON tasks (route, id);
            CREATE INDEX ix_tasks_status ON tasks (status, id);
            CREATE INDEX ix_tasks_request ON tasks (request_id, id);
            CREATE INDEX ix_tasks_done ON tasks (updated_at) WHERE status IN (2, 4);

            CREATE TABLE attempts (
                task_id     BLOB    NOT NULL,
                number      INTEGER NOT NULL,
                started_at  INTEGER NOT NULL,
                finished_at INTEGER NOT NULL,
                outcome     INTEGER NOT NULL,
                error       TEXT
            );
            CREATE INDEX ix_attempts_task ON attempts (task_id);

            CREATE TABLE claims (
                webhook     TEXT    NOT NULL,
                key         TEXT    NOT NULL,
                request_id  TEXT    NOT NULL,
                items       INTEGER NOT NULL,
                tasks       INTEGER NOT NULL,
                expires_at  INTEGER NOT NULL,
                PRIMARY KEY (webhook, key)
            ) WITHOUT ROWID;
            CREATE INDEX ix_claims_expires ON claims (expires_at);
            """),
        new(2, "fewer indexes for a task a webhook stores",
            """
            -- Each index costs every stored task a B-tree insert and every commit a page in the WAL; two of them
            -- served only the task list. Tasks by webhook are read in id order and filtered; tasks by status
            -- keep an index for the statuses a task ends in, which a New task never enters.
            DROP INDEX ix_tasks_webhook;
            DROP INDEX ix_tasks_status;
            CREATE INDEX ix_tasks_ended ON tasks (status, id) WHERE due_at IS NULL;
            """),
        new(3, "the receiver's status code of an attempt",
            """
            ALTER TABLE attempts ADD COLUMN status_code INTEGER;
            """),
        new(4, "captures of the pattern to items, and branches",
            """
            ALTER TABLE tasks ADD COLUMN captures TEXT;                               -- JSON array of strings; NULL when none
            ALTER TABLE tasks ADD COLUMN parent_id BLOB;                              -- the task a brancher split this one from
            ALTER TABLE tasks ADD COLUMN first_transformer INTEGER NOT NULL DEFAULT 0; -- a branch starts after its brancher
            """),
    ];

    /// <summary>The table that records applied migrations.</summary>
    public const string VersionTable = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL);";

    /// <summary>The schema version this release writes and reads.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>The statements that create the current schema in an empty database, in one transaction, as the migrations would.</summary>
    /// <returns>The script.</returns>
    public static string Script()
    {
        var script = new StringBuilder();
        script.AppendLine("-- Alumio.Webhooks SQLite task store, schema version " + CurrentVersion.ToString(CultureInfo.InvariantCulture) + ", for an empty database.");
        script.AppendLine("BEGIN IMMEDIATE;");
        script.AppendLine(VersionTable);
        foreach (var migration in Migrations)
        {
            script.AppendLine(migration.Sql);
            script.Append(CultureInfo.InvariantCulture, $"INSERT INTO schema_version (version, description, applied_at) VALUES ({migration.Version}, '{migration.Description.Replace("'", "''", StringComparison.Ordinal)}', ");
            script.AppendLine("CAST((julianday('now') - 2440587.5) * 864000000000 AS INTEGER));");
        }

        script.AppendLine("COMMIT;");
        return script.ToString();
    }

    /// <summary>Brings the database to the newest version, or checks that it is there when it may not be changed.</summary>
    /// <param name="connection">The open writer connection.</param>
    /// <param name="migrations">The migrations, oldest first.</param>
    /// <param name="create">Whether tables may be created and migrated.</param>
    /// <param name="now">When the migrations are applied, recorded in <c>schema_version</c>.</param>
    /// <param name="path">The database file, for messages.</param>
    /// <returns>The version the database had before, and the version it has now.</returns>
    public static (int From, int To) Apply(SqliteConnection connection, IReadOnlyList<SqliteMigration> migrations, bool create, DateTimeOffset now, string path)
    {
        var latest = migrations[^1].Version;
        var current = ReadVersion(connection);
        if (current is null && !create)
        {
            throw new InvalidOperationException(
                $"The SQLite task store database '{path}' has no task store schema (no schema_version table), and CreateSchema is false. " +
                "Open it once with CreateSchema = true, or point the connection string at the right file.");
        }

        var from = current ?? 0;
        if (from > latest)
        {
            throw new InvalidOperationException(
                $"The SQLite task store database '{path}' has schema version {from}, written by a newer release; this release knows versions up to {latest}.");
        }

        if (from < latest && !create)
        {
            throw new InvalidOperationException(
                $"The SQLite task store database '{path}' has schema version {from}, and this release needs version {latest}; CreateSchema is false, so it is not migrated.");
        }

        foreach (var migration in migrations)
        {
            if (migration.Version <= from)
            {
                continue;
            }

            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = VersionTable;
                    command.ExecuteNonQuery();
                    command.CommandText = migration.Sql;
                    command.ExecuteNonQuery();
                    command.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES ($version, $description, $applied);";
                    command.Parameters.AddWithValue("$version", migration.Version);
                    command.Parameters.AddWithValue("$description", migration.Description);
                    command.Parameters.AddWithValue("$applied", SqliteValues.ToTicks(now));
                    command.ExecuteNonQuery();
                }

                transaction.Commit();
            }
            catch (SqliteException exception)
            {
                throw new InvalidOperationException(
                    $"The SQLite task store database '{path}' could not be migrated to schema version {migration.Version} ({migration.Description}): {exception.Message}",
                    exception);
            }
        }

        return (from, Math.Max(from, latest));
    }

    private static int? ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version';";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }

        command.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

/// <summary>One step of the schema.</summary>
/// <param name="Version">The version the database has once the step is applied.</param>
/// <param name="Description">What the step does, recorded with it.</param>
/// <param name="Sql">The statements.</param>
internal sealed record SqliteMigration(int Version, string Description, string Sql);
