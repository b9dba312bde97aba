using System.Text;
using Alumio.Webhooks.Sqlite.Diagnostics;
using Alumio.Webhooks.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alumio.Webhooks.Sqlite;

/// <summary>
/// Keeps tasks in one SQLite database file: the durable default for a single application instance. Once
/// <see cref="ITaskBatch.CommitAsync"/> returns, the batch is on disk (WAL journal, <c>synchronous=FULL</c>) and
/// survives a crash or power cut.
/// </summary>
/// <remarks>
/// <para>
/// Every write goes through one connection owned by one writer thread, which commits whatever work is waiting in one
/// transaction (group commit): many concurrent requests share one disk sync. Reads use pooled connections of their
/// own and never wait for the writer.
/// </para>
/// <para>
/// The tasks of a batch are written ahead as they are added, marked as staged (invisible to every read), and made
/// visible by the commit, so a request of a million items does not hold them in memory. The staged rows of an
/// abandoned batch are deleted in the background, and those left by a crash at the next start.
/// </para>
/// <para>
/// A database file belongs to one store at a time: a second store on the same file, in this process or another,
/// fails to open.
/// </para>
/// </remarks>
public sealed class SqliteTaskStore : ITaskStore, IAsyncDisposable, IDisposable
{
    private const int DeleteChunk = 10_000;
    private const int PruneChunk = 2_000;

    private readonly Lock _claimGate = new();
    private readonly Dictionary<(string Webhook, string Key), ClaimReservation> _reservations = [];
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly string _readConnectionString;
    private readonly FileStream _ownership;
    private readonly SqliteWriter _writer;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="SqliteTaskStore"/> class: opens the database file, creates or migrates its schema, deletes what a crash left staged, and starts the writer.</summary>
    /// <param name="connectionString">
    /// A Microsoft.Data.Sqlite connection string naming a file, such as <c>Data Source=alumio-tasks.db</c>; a relative
    /// path is relative to the working directory. The store sets <c>Mode</c>, <c>Pooling</c> and <c>Default Timeout</c> itself.
    /// </param>
    /// <param name="options">The store's settings.</param>
    /// <param name="timeProvider">The clock used for leases, retries, idempotency windows and every stored time.</param>
    /// <param name="logger">Where the store logs, or <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentException">The connection string is invalid, names an in-memory database, or asks for read-only mode or a shared cache.</exception>
    /// <exception cref="InvalidOperationException">
    /// The file is used by another store, or its schema is missing, newer, or older while <see cref="SqliteTaskStoreOptions.CreateSchema"/> is <see langword="false"/>.
    /// </exception>
    public SqliteTaskStore(string connectionString, SqliteTaskStoreOptions options, TimeProvider timeProvider, ILogger<SqliteTaskStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        var builder = ParseConnectionString(connectionString);
        _path = Path.GetFullPath(builder.DataSource);
        if (!options.CreateSchema && !File.Exists(_path))
        {
            throw new InvalidOperationException($"The SQLite task store database '{_path}' does not exist, and CreateSchema is false.");
        }

        builder.DataSource = _path;
        builder.DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        builder.Mode = options.CreateSchema ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite;
        builder.Pooling = false;
        var writeConnectionString = builder.ConnectionString;

        // Readers open the file the writer made: each read takes a pooled connection and sees the last commit (WAL).
        builder.Pooling = true;
        builder.Mode = SqliteOpenMode.ReadWrite;
        _readConnectionString = builder.ConnectionString;

        _ownership = TakeOwnership(_path);
        SqliteConnection? connection = null;
        try
        {
            connection = new SqliteConnection(writeConnectionString);
            connection.Open();

            // The schema first: a file without it is left untouched when CreateSchema is false.
            var (from, to) = SqliteSchema.Apply(connection, SqliteSchema.Migrations, options.CreateSchema, timeProvider.GetUtcNow(), _path);
            Configure(connection, options.BusyTimeout);
            if (from != to)
            {
                Log.SchemaMigrated(_logger, _path, from, to);
            }

            DeleteAllStaged(connection);
            _writer = new SqliteWriter(connection, _path, _logger);
            Log.StoreOpened(_logger, _path, to);
        }
        catch
        {
            connection?.Dispose();
            _ownership.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Gets the SQL that creates the current schema in an empty database file, for deployments that create it
    /// themselves (for example with the <c>sqlite3</c> shell) and open the store with
    /// <see cref="SqliteTaskStoreOptions.CreateSchema"/> off.
    /// </summary>
    /// <returns>The script: one transaction that creates the tables and records the schema version.</returns>
    public static string GetSchemaScript() => SqliteSchema.Script();

    /// <summary>Gets how many transactions the writer committed; fewer than the writes when group commit combined them.</summary>
    internal long Transactions => _writer.Transactions;

    /// <summary>Gets the writer, for tests that pause it.</summary>
    internal SqliteWriter Writer => _writer;

    /// <inheritdoc />
    public ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return ValueTask.FromResult<ITaskBatch>(new SqliteTaskBatch(this, Random.Shared.NextInt64(1, long.MaxValue)));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookTask>> LeaseAsync(TaskLeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var excluded = SqliteValues.ToJsonArray(request.ExcludedRoutes);
        var routes = request.Routes is null ? null : SqliteValues.ToJsonArray(request.Routes);

        // A lease needs no disk sync of its own: lost in a crash, the task is just handed out again, as after any lease.
        return await _writer.Enqueue(durable: false, request.MaxCount, writer =>
        {
            var select = writer.Command(request.RequestId is null ? SqliteStatements.SelectDue : SqliteStatements.SelectDueOfRequest);
            select.Set("$now", SqliteValues.ToTicks(now));
            select.Set("$excluded", excluded);
            select.Set("$routes", routes);
            select.Set("$max", request.MaxCount);
            if (request.RequestId is not null)
            {
                select.Set("$request", request.RequestId);
            }

            var chosen = new List<(long RowId, WebhookTask Task)>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    chosen.Add((reader.GetInt64(0), SqliteValues.ReadTask(reader, first: 1)));
                }
            }

            var leased = new List<WebhookTask>(chosen.Count);
            var update = writer.Command(SqliteStatements.LeaseRow);
            foreach (var (rowId, task) in chosen)
            {
                var lease = task with { Status = WebhookTaskStatus.Processing, LeaseId = Guid.NewGuid(), DueAt = now + request.Duration, UpdatedAt = now };
                update.Set("$lease", SqliteValues.ToBlob(lease.LeaseId!.Value));
                update.Set("$due", SqliteValues.ToTicks(lease.DueAt!.Value));
                update.Set("$now", SqliteValues.ToTicks(now));
                update.Set("$rowid", rowId);
                update.ExecuteNonQuery();
                leased.Add(lease);
            }

            return (IReadOnlyList<WebhookTask>)leased;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(WebhookTask task, TaskAttempt? attempt, CancellationToken cancellationToken) =>
        BranchAsync(task, attempt, [], cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> BranchAsync(WebhookTask task, TaskAttempt? attempt, IReadOnlyList<WebhookTask> branches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(branches);
        cancellationToken.ThrowIfCancellationRequested();
        TaskOutcomes.Check(task, branches);
        if (task.LeaseId is not { } leaseId)
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        return await _writer.Enqueue(durable: true, 2 + branches.Count, writer =>
        {
            var update = writer.Command(SqliteStatements.CompleteLeased);
            update.Set("$status", (int)task.Status);
            update.Set("$attempts", task.Attempts);
            update.Set("$error", task.LastError);
            update.Set("$due", task.Status == WebhookTaskStatus.Retry ? SqliteValues.ToTicks(task.DueAt) : DBNull.Value);
            update.Set("$now", SqliteValues.ToTicks(now));
            update.Set("$id", SqliteValues.ToBlob(task.Id));
            update.Set("$lease", SqliteValues.ToBlob(leaseId));
            if (update.ExecuteNonQuery() == 0)
            {
                return false;
            }

            if (attempt is not null)
            {
                var insert = writer.Command(SqliteStatements.InsertAttempt);
                insert.Set("$id", SqliteValues.ToBlob(task.Id));
                insert.Set("$number", attempt.Number);
                insert.Set("$started", SqliteValues.ToTicks(attempt.StartedAt));
                insert.Set("$finished", SqliteValues.ToTicks(attempt.FinishedAt));
                insert.Set("$outcome", (int)attempt.Outcome);
                insert.Set("$error", attempt.Error);
                insert.Set("$code", attempt.StatusCode);
                insert.ExecuteNonQuery();
            }

            // Branches are visible at once (no batch); a failing insert rolls back the piece, the outcome with it.
            foreach (var branch in branches)
            {
                writer.TaskInsert.Insert(branch, batch: null);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        cancellationToken.ThrowIfCancellationRequested();
        var leases = tasks.Where(task => task.LeaseId is not null).Select(task => (task.Id, LeaseId: task.LeaseId!.Value)).ToList();
        if (leases.Count == 0)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        await _writer.Enqueue(durable: false, leases.Count, writer =>
        {
            var update = writer.Command(SqliteStatements.ReleaseLeased);
            foreach (var (id, leaseId) in leases)
            {
                update.Set("$now", SqliteValues.ToTicks(now));
                update.Set("$id", SqliteValues.ToBlob(id));
                update.Set("$lease", SqliteValues.ToBlob(leaseId));
                update.ExecuteNonQuery();
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<WebhookTask?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteStatements.SelectTask;
        command.Set("$id", SqliteValues.ToBlob(id));
        using var reader = command.ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? SqliteValues.ReadTask(reader) : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TaskAttempt>> GetAttemptsAsync(Guid id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteStatements.SelectAttempts;
        command.Set("$id", SqliteValues.ToBlob(id));
        using var reader = command.ExecuteReader();
        var attempts = new List<TaskAttempt>();
        while (reader.Read())
        {
            attempts.Add(new TaskAttempt(
                reader.GetInt32(0),
                SqliteValues.FromTicks(reader.GetInt64(1)),
                SqliteValues.FromTicks(reader.GetInt64(2)),
                (WebhookTaskStatus)reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4))
            {
                StatusCode = reader.IsDBNull(5) ? null : reader.GetInt32(5),
            });
        }

        return ValueTask.FromResult<IReadOnlyList<TaskAttempt>>(attempts);
    }

    /// <inheritdoc />
    public ValueTask<TaskPage> QueryAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, TaskQuery.MaxLimit);
        cancellationToken.ThrowIfCancellationRequested();

        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        // Tasks still in the queue are few next to the ended ones kept for the retention time: by status, they are read
        // through the queue's index and sorted, rather than by walking every stored id. A request or id is narrower still.
        // A webhook has no index of its own: its tasks are found walking the ids in order, which stops at the page's end.
        var queued = query.Status is { } status && !SqliteValues.IsEnded(status) && query.RequestId is null && query.Id is null;
        var webhookOnly = query is { Webhook: not null, Route: null, Status: null, RequestId: null, Id: null };
        var sql = new StringBuilder(queued ? SqliteStatements.SelectQueuedTasks : webhookOnly ? SqliteStatements.SelectTasksInIdOrder : SqliteStatements.SelectTasks);
        AppendFilter(command, sql, query);
        if (query.After is { } after)
        {
            sql.Append(" AND id > $after");
            command.Set("$after", SqliteValues.ToBlob(after));
        }

        sql.Append(" ORDER BY id LIMIT $limit;");
        command.Set("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<WebhookTask>(Math.Min(query.Limit, 64));
        var hasMore = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (items.Count == query.Limit)
                {
                    hasMore = true;
                    break;
                }

                items.Add(SqliteValues.ReadTask(reader));
            }
        }

        return ValueTask.FromResult(new TaskPage(items, hasMore ? items[^1].Id : null));
    }

    /// <inheritdoc />
    public async ValueTask<int> RetryAsync(TaskQuery filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        return await _writer.Enqueue(durable: true, 1, writer =>
        {
            var sql = new StringBuilder(SqliteStatements.RetryFailed);
            var command = writer.Command(FilterSql(sql, filter with { Status = null }));
            command.Set("$now", SqliteValues.ToTicks(now));
            SetFilter(command, filter with { Status = null });
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var pruned = 0;
        int chunk;

        // In chunks, so the writer commits other work in between instead of waiting for one long delete.
        do
        {
            chunk = await _writer.Enqueue(durable: true, PruneChunk, writer =>
            {
                var select = writer.Command(SqliteStatements.SelectPrunable);
                select.Set("$cut", SqliteValues.ToTicks(updatedBefore));
                select.Set("$limit", PruneChunk);
                var done = new List<(long RowId, byte[] Id)>();
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        done.Add((reader.GetInt64(0), SqliteValues.ReadBytes(reader, 1)));
                    }
                }

                var deleteAttempts = writer.Command(SqliteStatements.DeleteAttempts);
                var deleteTask = writer.Command(SqliteStatements.DeleteTask);
                foreach (var (rowId, id) in done)
                {
                    deleteAttempts.Set("$id", id);
                    deleteAttempts.ExecuteNonQuery();
                    deleteTask.Set("$rowid", rowId);
                    deleteTask.ExecuteNonQuery();
                }

                return done.Count;
            }, cancellationToken).ConfigureAwait(false);
            pruned += chunk;
        }
        while (chunk == PruneChunk);

        await _writer.Enqueue(durable: true, 1, writer =>
        {
            var delete = writer.Command(SqliteStatements.DeleteExpiredClaims);
            delete.Set("$now", SqliteValues.ToTicks(now));
            return delete.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        return pruned;
    }

    /// <inheritdoc />
    public ValueTask<IdempotentRequest?> FindRequestAsync(string webhook, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(FindCommittedClaim(webhook, key, _timeProvider.GetUtcNow()));
    }

    /// <summary>Lets the writer finish the work queued so far, closes the database, and gives the file free for another store.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    /// <remarks>Batches still open are left as a crash leaves them: staged and invisible, deleted when the file is opened again.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _writer.StopAsync().ConfigureAwait(false);
        using (var connection = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        await _ownership.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the store, as <see cref="DisposeAsync"/> does, blocking until it is closed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Writes tasks ahead as staged rows of a batch.</summary>
    internal async ValueTask<int> StageAsync(long batch, IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken) =>
        await _writer.Enqueue(durable: false, tasks.Count, writer => Insert(writer, tasks, batch), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Commits a batch in one durable transaction: inserts its last tasks, makes its staged rows visible, and writes
    /// its claims.
    /// </summary>
    internal async ValueTask CommitAsync(long batch, int staged, IReadOnlyList<WebhookTask> tasks, IReadOnlyList<ClaimReservation> claims, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var now = _timeProvider.GetUtcNow();
        await _writer.Enqueue(durable: true, staged + tasks.Count + claims.Count, writer =>
        {
            if (staged > 0)
            {
                var commit = writer.Command(SqliteStatements.CommitStaged);
                commit.Set("$batch", batch);
                var committed = commit.ExecuteNonQuery();
                if (committed != staged)
                {
                    throw new InvalidOperationException(
                        $"Only {committed} of the batch's {staged} staged tasks are in '{_path}'; another store may have opened the file and deleted them. Nothing of the batch is stored.");
                }
            }

            Insert(writer, tasks, batch: null);
            foreach (var claim in claims)
            {
                var request = claim.Request;
                var upsert = writer.Command(SqliteStatements.UpsertClaim);
                upsert.Set("$webhook", request.Webhook);
                upsert.Set("$key", request.Key);
                upsert.Set("$request", request.RequestId);
                upsert.Set("$items", request.Items);
                upsert.Set("$tasks", request.Tasks);
                upsert.Set("$expires", SqliteValues.ToTicks(request.ExpiresAt));
                upsert.Set("$now", SqliteValues.ToTicks(now));
                if (upsert.ExecuteNonQuery() == 0)
                {
                    throw new InvalidOperationException($"The idempotency key of request {request.RequestId} is held by another committed request. Nothing of the batch is stored.");
                }
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes an abandoned batch's staged rows in the background, a chunk per transaction.</summary>
    internal void DeleteStaged(long batch) => _ = DeleteStagedAsync(batch);

    /// <summary>
    /// Reserves an idempotency key for a batch: waits while another open batch holds the key, then either returns the
    /// committed, unexpired request that holds it, or reserves it (the claim is written with the commit).
    /// </summary>
    internal async ValueTask<(ClaimReservation? Reservation, IdempotentRequest? Held)> ReserveClaimAsync(IdempotentRequest claim, SqliteTaskBatch owner, CancellationToken cancellationToken)
    {
        var key = (claim.Webhook, claim.Key);
        while (true)
        {
            ThrowIfDisposed();
            Task? wait = null;
            ClaimReservation? reservation = null;
            lock (_claimGate)
            {
                if (_reservations.TryGetValue(key, out var held))
                {
                    if (held.Owner == owner)
                    {
                        throw new InvalidOperationException("This batch already claims the key.");
                    }

                    wait = held.Released.Task;
                }
                else
                {
                    reservation = new ClaimReservation(owner, claim);
                    _reservations.Add(key, reservation);
                }
            }

            if (wait is not null)
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            IdempotentRequest? committed;
            try
            {
                committed = FindCommittedClaim(claim.Webhook, claim.Key, _timeProvider.GetUtcNow());
            }
            catch
            {
                ReleaseClaims([reservation!]);
                throw;
            }

            if (committed is not null)
            {
                ReleaseClaims([reservation!]);
                return (null, committed);
            }

            return (reservation, null);
        }
    }

    /// <summary>Ends reservations (the batch committed or was abandoned) and wakes the batches waiting for them.</summary>
    internal void ReleaseClaims(IEnumerable<ClaimReservation> reservations)
    {
        lock (_claimGate)
        {
            foreach (var reservation in reservations)
            {
                var key = (reservation.Request.Webhook, reservation.Request.Key);
                if (_reservations.TryGetValue(key, out var current) && current == reservation)
                {
                    _reservations.Remove(key);
                }

                reservation.Released.TrySetResult();
            }
        }
    }

    /// <summary>Parses a connection string and checks that it names a database file.</summary>
    internal static SqliteConnectionStringBuilder ParseConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource)
            || builder.Mode == SqliteOpenMode.Memory
            || string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal)
            || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"The SQLite task store needs a database file path as Data Source, such as 'Data Source=alumio-tasks.db'; '{builder.DataSource}' is not one.",
                nameof(connectionString));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException("The SQLite task store writes to its file; the connection string must not say Mode=ReadOnly.", nameof(connectionString));
        }

        if (builder.Cache == SqliteCacheMode.Shared)
        {
            throw new ArgumentException(
                "The SQLite task store reads on connections of their own while its writer writes (WAL); shared cache would make them wait on the writer's locks. Remove Cache=Shared.",
                nameof(connectionString));
        }

        return builder;
    }

    /// <summary>Holds the file for this store: a second store on it would delete this one's staged rows at start-up.</summary>
    private static FileStream TakeOwnership(string path)
    {
        var lockPath = path + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException exception) when (exception.GetType() == typeof(IOException))
        {
            // A plain IOException is the sharing violation; a missing folder and the like have their own types.
            throw new InvalidOperationException(
                $"The SQLite task store database '{path}' is in use by another SqliteTaskStore, in this process or another (its lock file '{lockPath}' is held). One store per file.",
                exception);
        }
    }

    private static void Configure(SqliteConnection connection, TimeSpan busyTimeout)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The SQLite task store needs WAL journal mode, and the database refused it (journal mode '{mode}').");
        }

        command.CommandText =
            $"""
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};
            PRAGMA journal_size_limit = 67108864;
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Deletes the staged rows a crash left: every batch was lost with the process that held it.</summary>
    private void DeleteAllStaged(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SqliteStatements.DeleteAllStaged;
        var removed = command.ExecuteNonQuery();
        if (removed > 0)
        {
            Log.StagedTasksRemoved(_logger, _path, removed);
        }
    }

    /// <summary>Inserts tasks, staged under a batch or (<paramref name="batch"/> null) visible at once.</summary>
    private static int Insert(SqliteWriter writer, IReadOnlyList<WebhookTask> tasks, long? batch)
    {
        var insert = writer.TaskInsert;
        for (var i = 0; i < tasks.Count; i++)
        {
            try
            {
                insert.Insert(tasks[i], batch);
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == 2067)
            {
                throw new InvalidOperationException($"A task with id {tasks[i].Id} is already stored.", exception);
            }
        }

        return tasks.Count;
    }

    private static void AppendFilter(SqliteCommand command, StringBuilder sql, TaskQuery query)
    {
        FilterSql(sql, query);
        SetFilter(command, query);
    }

    private static string FilterSql(StringBuilder sql, TaskQuery filter)
    {
        if (filter.Webhook is not null)
        {
            sql.Append(" AND webhook = $webhook");
        }

        if (filter.Route is not null)
        {
            sql.Append(" AND route = $route");
        }

        if (filter.Status is { } status)
        {
            // A task that ended (Finished, Failed, Skipped) has no due time, and only those are in ix_tasks_ended; the
            // clause on due_at lets SQLite use that partial index, and keeps the others to the queue's ix_tasks_due.
            sql.Append(SqliteValues.IsEnded(status) ? " AND status = $status AND due_at IS NULL" : " AND status = $status AND due_at IS NOT NULL");
        }

        if (filter.RequestId is not null)
        {
            sql.Append(" AND request_id = $request");
        }

        if (filter.Id is not null)
        {
            sql.Append(" AND id = $id");
        }

        return sql.ToString();
    }

    private static void SetFilter(SqliteCommand command, TaskQuery filter)
    {
        if (filter.Webhook is not null)
        {
            command.Set("$webhook", filter.Webhook);
        }

        if (filter.Route is not null)
        {
            command.Set("$route", filter.Route);
        }

        if (filter.Status is { } status)
        {
            command.Set("$status", (int)status);
        }

        if (filter.RequestId is not null)
        {
            command.Set("$request", filter.RequestId);
        }

        if (filter.Id is { } id)
        {
            command.Set("$id", SqliteValues.ToBlob(id));
        }
    }

    private async Task DeleteStagedAsync(long batch)
    {
        try
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                var deleted = await _writer.Enqueue(durable: false, DeleteChunk, writer =>
                {
                    var delete = writer.Command(SqliteStatements.DeleteStagedChunk);
                    delete.Set("$batch", batch);
                    delete.Set("$limit", DeleteChunk);
                    return delete.ExecuteNonQuery();
                }, CancellationToken.None).ConfigureAwait(false);
                if (deleted < DeleteChunk)
                {
                    return;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The store closed first; the next start deletes what is left.
        }
        catch (Exception exception)
        {
            Log.CleanupFailed(_logger, _path, exception);
        }
    }

    private IdempotentRequest? FindCommittedClaim(string webhook, string key, DateTimeOffset now)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteStatements.SelectClaim;
        command.Set("$webhook", webhook);
        command.Set("$key", key);
        command.Set("$now", SqliteValues.ToTicks(now));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new IdempotentRequest(webhook, key, reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), SqliteValues.FromTicks(reader.GetInt64(3)))
            : null;
    }

    private SqliteConnection OpenReader()
    {
        ThrowIfDisposed();
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>An idempotency key an open batch holds; written as a claim with its commit.</summary>
    internal sealed class ClaimReservation(SqliteTaskBatch owner, IdempotentRequest request)
    {
        public SqliteTaskBatch Owner { get; } = owner;

        public IdempotentRequest Request { get; } = request;

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
