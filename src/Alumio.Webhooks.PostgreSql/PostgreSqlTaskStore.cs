using System.Text;
using Alumio.Webhooks.PostgreSql.Diagnostics;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Alumio.Webhooks.PostgreSql;

/// <summary>
/// Keeps tasks in PostgreSQL, so that several instances of an application share one queue. Processors lease due tasks
/// with <c>FOR UPDATE SKIP LOCKED</c>, so no two instances hold the same task under a live lease, and a crashed
/// instance's tasks come back when their leases run out. A small batch stays in memory until it commits, and is then
/// stored together with the other batches committing at the same moment, in one transaction (group commit); a large
/// batch streams its tasks into a transaction of its own with binary <c>COPY</c>. Each transaction that stores tasks
/// sends a <c>NOTIFY</c> that wakes the processors of the other instances.
/// </summary>
/// <remarks>
/// Every time the store records or compares (leases, retries, idempotency windows) comes from the
/// <see cref="TimeProvider"/> it is given, not from the database clock, so the instances' clocks should agree (NTP).
/// Times are stored to the microsecond, as <c>timestamptz</c> keeps them. Needs PostgreSQL 13 or later.
/// </remarks>
public sealed class PostgreSqlTaskStore : ITaskStore, IAsyncDisposable
{
    /// <summary>The columns of a task, in the order <see cref="ReadTask"/> reads them.</summary>
    private const string Columns = "id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id, captures, parent_id, first_transformer";

    /// <summary>How many statements the store lets Npgsql prepare on each connection, unless the connection string says.</summary>
    internal const int AutoPrepare = 32;

    private const int PruneChunk = 5000;
    private static readonly TimeSpan ListenerPing = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initializing = new(1, 1);
    private volatile bool _initialized;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlTaskStore"/> class that connects with a connection string.</summary>
    /// <param name="connectionString">The Npgsql connection string. Group commit uses up to two pooled connections; a batch that claims an idempotency key or streams a large request holds one more until it ends: size <c>Maximum Pool Size</c> for those requests in flight. Unless it sets <c>Max Auto Prepare</c>, the store sets it to 32, so the statements it runs again and again are prepared (set <c>Max Auto Prepare=0</c> behind a pooler that cannot keep prepared statements).</param>
    /// <param name="timeProvider">The clock used for leases, retries and idempotency windows.</param>
    /// <param name="options">The schema and start-up behaviour; defaults when <see langword="null"/>.</param>
    /// <param name="logger">Logs migrations; nothing is logged when <see langword="null"/>.</param>
    public PostgreSqlTaskStore(string connectionString, TimeProvider timeProvider, PostgreSqlTaskStoreOptions? options = null, ILogger<PostgreSqlTaskStore>? logger = null)
        : this(CreateDataSource(connectionString ?? throw new ArgumentNullException(nameof(connectionString))), ownsDataSource: true, timeProvider, options, logger)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlTaskStore"/> class over a data source the application owns.</summary>
    /// <param name="dataSource">The data source; the store does not dispose it.</param>
    /// <param name="timeProvider">The clock used for leases, retries and idempotency windows.</param>
    /// <param name="options">The schema and start-up behaviour; defaults when <see langword="null"/>.</param>
    /// <param name="logger">Logs migrations; nothing is logged when <see langword="null"/>.</param>
    public PostgreSqlTaskStore(NpgsqlDataSource dataSource, TimeProvider timeProvider, PostgreSqlTaskStoreOptions? options = null, ILogger<PostgreSqlTaskStore>? logger = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, timeProvider, options, logger)
    {
    }

    private PostgreSqlTaskStore(NpgsqlDataSource dataSource, bool ownsDataSource, TimeProvider timeProvider, PostgreSqlTaskStoreOptions? options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var settings = options?.Clone() ?? new PostgreSqlTaskStoreOptions();
        try
        {
            settings.Validate();
        }
        catch when (ownsDataSource)
        {
            dataSource.Dispose();
            throw;
        }

        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        Options = settings;
        Schema = new PostgreSqlSchema(settings.Schema);
        GroupCommitter = new PostgreSqlGroupCommitter(this, dataSource);
        ClaimConnections = new SemaphoreSlim(ClaimConnectionLimit(dataSource, GroupCommitter.MaxWriters));
    }

    /// <summary>Gets the settings the store was made with.</summary>
    internal PostgreSqlTaskStoreOptions Options { get; }

    /// <summary>Gets the schema's names.</summary>
    internal PostgreSqlSchema Schema { get; }

    /// <summary>Gets the data source the store's connections come from.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Gets the writer that commits small batches together.</summary>
    internal PostgreSqlGroupCommitter GroupCommitter { get; }

    /// <summary>
    /// Gets the slots for connections that hold claim locks of batches in memory. Such a batch waits for the group writer
    /// while it holds its connection, so these connections must leave room in the pool for the writers (and the listener).
    /// </summary>
    internal SemaphoreSlim ClaimConnections { get; }

    /// <summary>
    /// Gets the SQL script that creates the store's schema and tables at the version this library needs, for hosts that
    /// manage schemas themselves (<see cref="PostgreSqlTaskStoreOptions.CreateSchema"/> off). It runs in one transaction,
    /// records the version in <c>schema_version</c>, and upgrades an older schema; running it again changes nothing.
    /// </summary>
    /// <param name="schema">The schema name; defaults to <c>alumio</c>.</param>
    /// <returns>The script, for <c>psql</c> or a migration tool.</returns>
    public static string GetSchemaScript(string schema = "alumio")
    {
        new PostgreSqlTaskStoreOptions { Schema = schema }.Validate();
        return new PostgreSqlSchema(schema).Script();
    }

    /// <summary>
    /// Prepares the schema: creates or migrates it when <see cref="PostgreSqlTaskStoreOptions.CreateSchema"/> is on,
    /// otherwise checks that it exists at the version this library needs. Every other call does this first when it has not
    /// been done; <c>UsePostgreSqlTaskStore</c> does it at start-up, so a problem stops the host.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the schema is ready.</returns>
    /// <exception cref="InvalidOperationException">The schema is missing or at another version and may not be changed.</exception>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_initialized)
        {
            return;
        }

        await _initializing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await PrepareSchemaAsync(cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _initializing.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return new PostgreSqlTaskBatch(this);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookTask>> LeaseAsync(TaskLeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);

        var now = Now();
        await using var command = _dataSource.CreateCommand();
        var filters = new StringBuilder();
        if (request.ExcludedRoutes.Count > 0)
        {
            filters.Append(" AND lower(route) <> ALL (SELECT lower(r) FROM unnest(@excluded) AS r)");
            command.Parameters.Add(Parameter("excluded", NpgsqlDbType.Array | NpgsqlDbType.Text, request.ExcludedRoutes.ToArray()));
        }

        if (request.Routes is { } routes)
        {
            filters.Append(" AND lower(route) IN (SELECT lower(r) FROM unnest(@routes) AS r)");
            command.Parameters.Add(Parameter("routes", NpgsqlDbType.Array | NpgsqlDbType.Text, routes.ToArray()));
        }

        if (request.RequestId is { } requestId)
        {
            filters.Append(" AND request_id = @request");
            command.Parameters.Add(Parameter("request", NpgsqlDbType.Text, requestId));
        }

        // One statement: lock the oldest due tasks no one else has locked, and hand them out under fresh leases. A task
        // another caller holds locked is skipped, not waited for; one leased meanwhile fails the re-check on its new row.
        command.CommandText = $"""
            WITH due AS (
                SELECT id, COALESCE(due_at, created_at) AS due
                FROM {Schema.Tasks}
                WHERE status IN (0, 1, 5) AND COALESCE(due_at, created_at) <= @now{filters}
                ORDER BY COALESCE(due_at, created_at), id
                LIMIT @max
                FOR UPDATE SKIP LOCKED
            ), leased AS (
                UPDATE {Schema.Tasks} AS t
                SET status = 1, lease_id = gen_random_uuid(), due_at = @until, updated_at = @now
                FROM due
                WHERE t.id = due.id
                RETURNING t.id, t.request_id, t.webhook, t.route, t.entity, t.status, t.attempts, t.last_error, t.created_at, t.updated_at, t.due_at, t.lease_id, t.captures, t.parent_id, t.first_transformer, due.due
            )
            SELECT {Columns} FROM leased ORDER BY due, id
            """;
        command.Parameters.Add(Parameter("now", NpgsqlDbType.TimestampTz, now));
        command.Parameters.Add(Parameter("until", NpgsqlDbType.TimestampTz, now + request.Duration));
        command.Parameters.Add(Parameter("max", NpgsqlDbType.Integer, request.MaxCount));
        return await ReadTasksAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(WebhookTask task, TaskAttempt? attempt, CancellationToken cancellationToken) =>
        BranchAsync(task, attempt, [], cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> BranchAsync(WebhookTask task, TaskAttempt? attempt, IReadOnlyList<WebhookTask> branches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(branches);
        TaskOutcomes.Check(task, branches);
        if (task.LeaseId is not { } lease)
        {
            return false;
        }

        if (branches.Count > 0)
        {
            return await CompleteWithBranchesAsync(task, lease, attempt, branches, cancellationToken).ConfigureAwait(false);
        }

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var recordAttempt = attempt is null
            ? string.Empty
            : $"""
                , attempt AS (
                    INSERT INTO {Schema.Attempts} (task_id, number, started_at, finished_at, outcome, error, status_code)
                    SELECT id, @number, @started, @finished, @outcome, @attempt_error, @status_code FROM done
                )
                """;

        // The outcome counts only under the current lease; the attempt is added in the same statement, or not at all.
        await using var command = _dataSource.CreateCommand($"""
            WITH done AS (
                UPDATE {Schema.Tasks}
                SET status = @status, attempts = @attempts, last_error = @error, due_at = @due, lease_id = NULL, updated_at = @now
                WHERE id = @id AND lease_id = @lease AND status = 1
                RETURNING id
            ){recordAttempt}
            SELECT count(*)::integer FROM done
            """);
        command.Parameters.Add(Parameter("id", NpgsqlDbType.Uuid, task.Id));
        command.Parameters.Add(Parameter("lease", NpgsqlDbType.Uuid, lease));
        command.Parameters.Add(Parameter("status", NpgsqlDbType.Smallint, (short)task.Status));
        command.Parameters.Add(Parameter("attempts", NpgsqlDbType.Integer, task.Attempts));
        command.Parameters.Add(Parameter("error", NpgsqlDbType.Text, task.LastError));
        command.Parameters.Add(Parameter("due", NpgsqlDbType.TimestampTz, task.Status == WebhookTaskStatus.Retry ? task.DueAt : null));
        command.Parameters.Add(Parameter("now", NpgsqlDbType.TimestampTz, Now()));
        if (attempt is not null)
        {
            command.Parameters.Add(Parameter("number", NpgsqlDbType.Integer, attempt.Number));
            command.Parameters.Add(Parameter("started", NpgsqlDbType.TimestampTz, attempt.StartedAt));
            command.Parameters.Add(Parameter("finished", NpgsqlDbType.TimestampTz, attempt.FinishedAt));
            command.Parameters.Add(Parameter("outcome", NpgsqlDbType.Smallint, (short)attempt.Outcome));
            command.Parameters.Add(Parameter("attempt_error", NpgsqlDbType.Text, attempt.Error));
            command.Parameters.Add(Parameter("status_code", NpgsqlDbType.Integer, attempt.StatusCode));
        }

        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    /// <summary>Records the outcome, the attempt and the branches in one statement: the branches go in only when the lease was current.</summary>
    private async ValueTask<bool> CompleteWithBranchesAsync(WebhookTask task, Guid lease, TaskAttempt? attempt, IReadOnlyList<WebhookTask> branches, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var recordAttempt = attempt is null
            ? string.Empty
            : $"""
                , attempt AS (
                    INSERT INTO {Schema.Attempts} (task_id, number, started_at, finished_at, outcome, error, status_code)
                    SELECT id, $22, $23, $24, $25, $26, $27 FROM done
                )
                """;
        await using var command = _dataSource.CreateCommand(
            $"""
            WITH done AS (
                UPDATE {Schema.Tasks}
                SET status = $18, attempts = $19, last_error = $20, due_at = NULL, lease_id = NULL, updated_at = $21
                WHERE id = $16 AND lease_id = $17 AND status = 1
                RETURNING id
            ){recordAttempt}, branches AS (
                INSERT INTO {Schema.Tasks} (id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id, captures, parent_id, first_transformer)
                SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) WHERE EXISTS (SELECT FROM done)
            )
            SELECT count(*)::integer FROM done
            """);
        PostgreSqlGroupCommitter.AddTaskArrays(command.Parameters, branches, branches.Count);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = task.Id });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = lease });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint, Value = (short)task.Status });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = task.Attempts });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)task.LastError ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = Now().ToUniversalTime() });
        if (attempt is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = attempt.Number });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = attempt.StartedAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = attempt.FinishedAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint, Value = (short)attempt.Outcome });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)attempt.Error ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)attempt.StatusCode ?? DBNull.Value });
        }

        if ((int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! != 1)
        {
            return false;
        }

        // Wakes processors waiting for work (on this and other instances). The branches are stored already, so a wake-up
        // that fails is not the caller's failure: the processors find the branches at their next poll.
        try
        {
            await using var notify = _dataSource.CreateCommand("SELECT pg_notify($1, '')");
            notify.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = Schema.Channel });
            await notify.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            Log.BranchWakeUpFailed(_logger, exception);
        }

        return true;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var held = tasks.Where(task => task.LeaseId is not null).ToList();
        if (held.Count == 0)
        {
            return;
        }

        await InitializeAsync(cancellationToken).ConfigureAwait(false);

        // A task never attempted goes back to New, in its place by creation time; one attempted before is a retry due now.
        await using var command = _dataSource.CreateCommand($"""
            UPDATE {Schema.Tasks} AS t
            SET status = CASE WHEN t.attempts = 0 THEN 0 ELSE 5 END,
                due_at = CASE WHEN t.attempts = 0 THEN NULL ELSE @now END,
                lease_id = NULL,
                updated_at = @now
            FROM unnest(@ids, @leases) AS released(id, lease)
            WHERE t.id = released.id AND t.lease_id = released.lease AND t.status = 1
            """);
        command.Parameters.Add(Parameter("now", NpgsqlDbType.TimestampTz, Now()));
        command.Parameters.Add(Parameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, held.Select(task => task.Id).ToArray()));
        command.Parameters.Add(Parameter("leases", NpgsqlDbType.Array | NpgsqlDbType.Uuid, held.Select(task => task.LeaseId!.Value).ToArray()));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            await NotifyAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<WebhookTask?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM {Schema.Tasks} WHERE id = @id");
        command.Parameters.Add(Parameter("id", NpgsqlDbType.Uuid, id));
        var tasks = await ReadTasksAsync(command, cancellationToken).ConfigureAwait(false);
        return tasks.Count == 0 ? null : tasks[0];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TaskAttempt>> GetAttemptsAsync(Guid id, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand($"SELECT number, started_at, finished_at, outcome, error, status_code FROM {Schema.Attempts} WHERE task_id = @id ORDER BY seq");
        command.Parameters.Add(Parameter("id", NpgsqlDbType.Uuid, id));
        var attempts = new List<TaskAttempt>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            attempts.Add(new TaskAttempt(
                reader.GetInt32(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                (WebhookTaskStatus)reader.GetInt16(3),
                reader.IsDBNull(4) ? null : reader.GetString(4))
            {
                StatusCode = reader.IsDBNull(5) ? null : reader.GetInt32(5),
            });
        }

        return attempts;
    }

    /// <inheritdoc />
    public async ValueTask<TaskPage> QueryAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, TaskQuery.MaxLimit);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);

        await using var command = _dataSource.CreateCommand();
        var filters = Filter(command, query, includeStatus: true);
        if (query.After is { } after)
        {
            filters.Append(" AND id > @after");
            command.Parameters.Add(Parameter("after", NpgsqlDbType.Uuid, after));
        }

        // One more than the page, to know whether another page follows.
        command.CommandText = $"SELECT {Columns} FROM {Schema.Tasks} WHERE true{filters} ORDER BY id LIMIT @limit";
        command.Parameters.Add(Parameter("limit", NpgsqlDbType.Integer, query.Limit + 1));
        var tasks = await ReadTasksAsync(command, cancellationToken).ConfigureAwait(false);
        if (tasks.Count <= query.Limit)
        {
            return new TaskPage(tasks, null);
        }

        tasks.RemoveAt(tasks.Count - 1);
        return new TaskPage(tasks, tasks[^1].Id);
    }

    /// <inheritdoc />
    public async ValueTask<int> RetryAsync(TaskQuery filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand();
        var filters = Filter(command, filter, includeStatus: false);
        command.CommandText = $"UPDATE {Schema.Tasks} SET status = 5, due_at = @now, updated_at = @now WHERE status = 3 AND status IN (2, 3, 4){filters}";
        command.Parameters.Add(Parameter("now", NpgsqlDbType.TimestampTz, Now()));
        var count = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (count > 0)
        {
            await NotifyAsync(cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);

        // In chunks, so that a large backlog is not deleted under one long lock; attempts go with their task (ON DELETE CASCADE).
        var total = 0;
        int deleted;
        do
        {
            await using var command = _dataSource.CreateCommand($"""
                DELETE FROM {Schema.Tasks}
                WHERE id IN (SELECT id FROM {Schema.Tasks} WHERE status IN (2, 4) AND updated_at < @cut LIMIT {PruneChunk})
                """);
            command.Parameters.Add(Parameter("cut", NpgsqlDbType.TimestampTz, updatedBefore));
            deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == PruneChunk);

        await using (var claims = _dataSource.CreateCommand($"DELETE FROM {Schema.Claims} WHERE expires_at <= @now"))
        {
            claims.Parameters.Add(Parameter("now", NpgsqlDbType.TimestampTz, Now()));
            await claims.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    /// <inheritdoc />
    public async ValueTask<IdempotentRequest?> FindRequestAsync(string webhook, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(key);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindClaimAsync(connection, webhook, key, Now(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the store's connections (when it opened them itself). Commits the group writer has begun complete first;
    /// commits still waiting for it, and batches still open, fail from then on and store nothing.
    /// </summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await GroupCommitter.StopAsync().ConfigureAwait(false);

        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _initializing.Dispose();
    }

    /// <summary>
    /// The data source for a connection string. Unless the string says otherwise, Npgsql prepares a statement once it
    /// has run it <c>Auto Prepare Min Usages</c> times on a connection (<see cref="AutoPrepare"/> statements per
    /// connection): the store runs a few statements over and over (the group insert, leases, completions), and a prepared
    /// statement is neither parsed nor planned again. A connection string that sets <c>Max Auto Prepare</c> (0 for a
    /// connection pooler that cannot keep prepared statements) is followed as it is.
    /// </summary>
    internal static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (!SetsMaxAutoPrepare(connectionString))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPrepare;
        }

        return builder.Build();
    }

    private static bool SetsMaxAutoPrepare(string connectionString)
    {
        var keys = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys;
        foreach (string key in keys)
        {
            if (string.Equals(key.Replace(" ", string.Empty, StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many connections claim locks may hold: the pool less the group writers and the listener.</summary>
    internal static int ClaimConnectionLimit(NpgsqlDataSource dataSource, int writers)
    {
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return settings.Pooling ? Math.Max(1, settings.MaxPoolSize - writers - 1) : int.MaxValue;
    }

    /// <summary>
    /// Listens on the schema's channel until cancelled or until the connection fails: calls <paramref name="listening"/>
    /// once <c>LISTEN</c> is in place, then <paramref name="notified"/> for each notification. The connection is checked
    /// every 30 seconds while quiet, so a silently lost connection is noticed.
    /// </summary>
    internal async Task ListenAsync(Action notified, Action listening, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, _) => notified();
            await using (var listen = new NpgsqlCommand($"LISTEN \"{Schema.Channel}\"", connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            listening();
            while (true)
            {
                if (!await connection.WaitAsync(ListenerPing, cancellationToken).ConfigureAwait(false))
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Gets the committed, unexpired claim of a key, as seen on <paramref name="connection"/>.</summary>
    internal async ValueTask<IdempotentRequest?> FindClaimAsync(NpgsqlConnection connection, string webhook, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT request_id, items, tasks, expires_at FROM {Schema.Claims} WHERE webhook = @webhook AND key = @key AND expires_at > @now", connection);
        command.Parameters.Add(Parameter("webhook", NpgsqlDbType.Text, webhook));
        command.Parameters.Add(Parameter("key", NpgsqlDbType.Text, key));
        command.Parameters.Add(Parameter("now", NpgsqlDbType.TimestampTz, now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new IdempotentRequest(webhook, key, reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }

    /// <summary>Gets the current time from the store's clock.</summary>
    internal DateTimeOffset Now() => _timeProvider.GetUtcNow();

    /// <summary>A typed parameter; <see langword="null"/> becomes SQL NULL, and times are passed in UTC as <c>timestamptz</c> requires.</summary>
    internal static NpgsqlParameter Parameter(string name, NpgsqlDbType type, object? value) => new(name, type)
    {
        Value = value switch
        {
            null => DBNull.Value,
            DateTimeOffset time => time.ToUniversalTime(),
            _ => value,
        },
    };

    private static WebhookTask ReadTask(NpgsqlDataReader reader) =>
        new(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetFieldValue<byte[]>(4),
            (WebhookTaskStatus)reader.GetInt16(5),
            reader.GetInt32(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.GetFieldValue<DateTimeOffset>(8),
            reader.GetFieldValue<DateTimeOffset>(9))
        {
            DueAt = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            LeaseId = reader.IsDBNull(11) ? null : reader.GetGuid(11),
            Captures = TaskCaptures.FromJson(reader.IsDBNull(12) ? null : reader.GetString(12)),
            ParentId = reader.IsDBNull(13) ? null : reader.GetGuid(13),
            FirstTransformer = reader.GetInt32(14),
        };

    private static async ValueTask<List<WebhookTask>> ReadTasksAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var tasks = new List<WebhookTask>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tasks.Add(ReadTask(reader));
        }

        return tasks;
    }

    /// <summary>The <c>AND ...</c> conditions of a task filter; webhook and route match case-insensitively.</summary>
    private static StringBuilder Filter(NpgsqlCommand command, TaskQuery query, bool includeStatus)
    {
        var filters = new StringBuilder();
        if (query.Webhook is { } webhook)
        {
            filters.Append(" AND lower(webhook) = lower(@webhook)");
            command.Parameters.Add(Parameter("webhook", NpgsqlDbType.Text, webhook));
        }

        if (query.Route is { } route)
        {
            filters.Append(" AND lower(route) = lower(@route)");
            command.Parameters.Add(Parameter("route", NpgsqlDbType.Text, route));
        }

        if (includeStatus && query.Status is { } status)
        {
            // The second clause repeats the predicate of the partial index that holds the status (tasks_ended or
            // tasks_due), which a parameter alone does not let the planner prove.
            filters.Append(status is WebhookTaskStatus.Finished or WebhookTaskStatus.Failed or WebhookTaskStatus.Skipped
                ? " AND status = @status AND status IN (2, 3, 4)"
                : " AND status = @status AND status IN (0, 1, 5)");
            command.Parameters.Add(Parameter("status", NpgsqlDbType.Smallint, (short)status));
        }

        if (query.RequestId is { } requestId)
        {
            filters.Append(" AND request_id = @request");
            command.Parameters.Add(Parameter("request", NpgsqlDbType.Text, requestId));
        }

        if (query.Id is { } id)
        {
            filters.Append(" AND id = @id");
            command.Parameters.Add(Parameter("id", NpgsqlDbType.Uuid, id));
        }

        return filters;
    }

    /// <summary>Wakes the processors of every instance: tasks were made due outside a batch (released or retried).</summary>
    private async ValueTask NotifyAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT pg_notify(@channel, '')");
        command.Parameters.Add(Parameter("channel", NpgsqlDbType.Text, Schema.Channel));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask PrepareSchemaAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (!Options.CreateSchema)
            {
                var version = await ReadVersionAsync(connection, transaction: null, cancellationToken).ConfigureAwait(false);
                if (version is null)
                {
                    throw new InvalidOperationException(
                        $"The PostgreSQL task store schema \"{Schema.Name}\" does not exist (no {Schema.Name}.schema_version table) and CreateSchema is off, so the store may not create it. "
                        + $"Create it with the script from PostgreSqlTaskStore.GetSchemaScript(\"{Schema.Name}\"), or turn CreateSchema on.");
                }

                CheckVersion(version.Value, canMigrate: false);
                return;
            }

            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Instances starting together queue here; the first migrates, the others then find the schema current.
                await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({Schema.LockKey})", cancellationToken).ConfigureAwait(false);
                var current = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) ?? 0;
                CheckVersion(current, canMigrate: true);
                if (current == PostgreSqlSchema.LatestVersion)
                {
                    return;
                }

                await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {Schema.Quoted}", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, Schema.CreateVersionsTable, cancellationToken).ConfigureAwait(false);
                foreach (var (version, description, sql) in Schema.After(current))
                {
                    await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                    await using var record = new NpgsqlCommand($"INSERT INTO {Schema.Versions} (version, description) VALUES (@version, @description)", connection, transaction);
                    record.Parameters.Add(Parameter("version", NpgsqlDbType.Integer, version));
                    record.Parameters.Add(Parameter("description", NpgsqlDbType.Text, description));
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    Log.SchemaMigrated(_logger, Schema.Name, version, description);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void CheckVersion(int version, bool canMigrate)
    {
        if (version > PostgreSqlSchema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL task store schema \"{Schema.Name}\" is at version {version}, newer than this Alumio.Webhooks.PostgreSql knows (up to {PostgreSqlSchema.LatestVersion}). "
                + "Another instance runs a newer version of the library: upgrade this one.");
        }

        if (!canMigrate && version < PostgreSqlSchema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL task store schema \"{Schema.Name}\" is at version {version}, and this Alumio.Webhooks.PostgreSql needs version {PostgreSqlSchema.LatestVersion}. "
                + $"CreateSchema is off, so the store may not migrate it: apply the script from PostgreSqlTaskStore.GetSchemaScript(\"{Schema.Name}\"), or turn CreateSchema on.");
        }
    }

    /// <summary>The schema's version, or <see langword="null"/> when it has no version table.</summary>
    private async ValueTask<int?> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection, transaction);
        exists.Parameters.Add(Parameter("table", NpgsqlDbType.Text, Schema.Versions));
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return null;
        }

        await using var version = new NpgsqlCommand($"SELECT COALESCE(max(version), 0) FROM {Schema.Versions}", connection, transaction);
        return (int)(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async ValueTask ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
