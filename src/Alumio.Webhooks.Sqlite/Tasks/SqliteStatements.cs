namespace Alumio.Webhooks.Sqlite;

/// <summary>Every statement of the store, in one place, so tests can check their query plans.</summary>
internal static class SqliteStatements
{
    /// <summary>The task columns every read selects, in the order <see cref="SqliteValues.ReadTask"/> expects.</summary>
    public const string TaskColumns = "id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id, captures, parent_id, first_transformer";

    public const string InsertTask =
        """
        INSERT INTO tasks (id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id, batch, captures, parent_id, first_transformer)
        VALUES ($id, $request, $webhook, $route, $entity, $status, $attempts, $error, $created, $updated, $due, $lease, $batch, $captures, $parent, $first);
        """;

    public const string CommitStaged = "UPDATE tasks SET batch = NULL WHERE batch = $batch;";

    public const string UpsertClaim =
        """
        INSERT INTO claims (webhook, key, request_id, items, tasks, expires_at) VALUES ($webhook, $key, $request, $items, $tasks, $expires)
        ON CONFLICT (webhook, key) DO UPDATE SET
            request_id = excluded.request_id, items = excluded.items, tasks = excluded.tasks, expires_at = excluded.expires_at
        WHERE claims.expires_at <= $now;
        """;

    public const string DeleteStagedChunk = "DELETE FROM tasks WHERE rowid IN (SELECT rowid FROM tasks WHERE batch = $batch LIMIT $limit);";

    public const string LeaseFilter =
        """
        FROM tasks
        WHERE batch IS NULL AND due_at <= $now
          AND route NOT IN (SELECT value FROM json_each($excluded))
          AND ($routes IS NULL OR route IN (SELECT value FROM json_each($routes)))
        """;

    public const string SelectDue = $"SELECT rowid, {TaskColumns} {LeaseFilter} ORDER BY due_at, id LIMIT $max;";

    public const string SelectDueOfRequest = $"SELECT rowid, {TaskColumns} {LeaseFilter} AND request_id = $request ORDER BY due_at, id LIMIT $max;";

    public const string LeaseRow = "UPDATE tasks SET status = 1, lease_id = $lease, due_at = $due, updated_at = $now WHERE rowid = $rowid;";

    public const string CompleteLeased =
        """
        UPDATE tasks SET status = $status, attempts = $attempts, last_error = $error, due_at = $due, lease_id = NULL, updated_at = $now
        WHERE id = $id AND batch IS NULL AND status = 1 AND lease_id = $lease;
        """;

    public const string InsertAttempt =
        """
        INSERT INTO attempts (task_id, number, started_at, finished_at, outcome, error, status_code)
        VALUES ($id, $number, $started, $finished, $outcome, $error, $code);
        """;

    public const string ReleaseLeased =
        """
        UPDATE tasks SET
            status = CASE WHEN attempts = 0 THEN 0 ELSE 5 END,
            due_at = CASE WHEN attempts = 0 THEN created_at ELSE $now END,
            lease_id = NULL, updated_at = $now
        WHERE id = $id AND batch IS NULL AND status = 1 AND lease_id = $lease;
        """;

    public const string SelectPrunable = "SELECT rowid, id FROM tasks INDEXED BY ix_tasks_done WHERE status IN (2, 4) AND updated_at < $cut LIMIT $limit;";

    public const string SelectTask = $"SELECT {TaskColumns} FROM tasks WHERE id = $id AND batch IS NULL;";

    public const string SelectAttempts = "SELECT number, started_at, finished_at, outcome, error, status_code FROM attempts WHERE task_id = $id ORDER BY rowid;";

    public const string SelectClaim = "SELECT request_id, items, tasks, expires_at FROM claims WHERE webhook = $webhook AND key = $key AND expires_at > $now;";

    public const string DeleteAttempts = "DELETE FROM attempts WHERE task_id = $id;";

    public const string DeleteTask = "DELETE FROM tasks WHERE rowid = $rowid;";

    public const string DeleteExpiredClaims = "DELETE FROM claims WHERE expires_at <= $now;";

    public const string DeleteAllStaged = "DELETE FROM tasks WHERE batch IS NOT NULL;";

    /// <summary>The start of a task listing; <see cref="SqliteTaskStore"/> appends the filters, the cursor and the limit.</summary>
    public const string SelectTasks = $"SELECT {TaskColumns} FROM tasks WHERE batch IS NULL";

    /// <summary>The start of a task list that walks the ids in order (filtered by webhook alone); the filters follow.</summary>
    public const string SelectTasksInIdOrder = $"SELECT {TaskColumns} FROM tasks INDEXED BY ux_tasks_id WHERE batch IS NULL";

    /// <summary>The start of a task list filtered by a status of the queue (New, Processing, Retry); the filters follow.</summary>
    public const string SelectQueuedTasks = $"SELECT {TaskColumns} FROM tasks INDEXED BY ix_tasks_due WHERE batch IS NULL";

    /// <summary>The start of a retry; <see cref="SqliteTaskStore"/> appends the filters.</summary>
    public const string RetryFailed = "UPDATE tasks SET status = 5, due_at = $now, updated_at = $now WHERE batch IS NULL AND status = 3 AND due_at IS NULL";
}
