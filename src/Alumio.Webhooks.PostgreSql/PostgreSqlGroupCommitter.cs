using Alumio.Webhooks.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Alumio.Webhooks.PostgreSql;

/// <summary>
/// Group commit for small batches: the commits that wait are taken together by a writer and stored in one transaction
/// (one multi-row <c>INSERT</c> of the claims, one of the tasks, one <c>NOTIFY</c>), so concurrent requests share one
/// round trip and one WAL flush instead of paying one each. Every commit completes only once that transaction
/// committed. One commit's failure does not fail the others: a claim another request committed meanwhile fails only
/// its own commit, and any other error the server reports (such as a task id that is already stored) makes the writer
/// store the group's commits again, each in a transaction of its own.
/// </summary>
/// <remarks>
/// One writer takes every waiting commit, up to <see cref="MaxGroupTasks"/> tasks or <see cref="MaxGroupBytes"/> entity
/// bytes, and meanwhile the next commits gather for its next group; a second writer (up to <see cref="MaxWriters"/>)
/// starts only while more than a full group waits. A writer keeps one pooled connection while work comes, and gives it
/// back (and ends) once none came for <see cref="IdleTimeout"/>. A group without claims is one round trip: its
/// statements run in one implicit transaction, which the server commits (and, with <c>synchronous_commit</c> on,
/// flushes) before it answers. A group with claims runs in an explicit transaction that commits only if every claim
/// was written.
/// </remarks>
internal sealed class PostgreSqlGroupCommitter
{
    /// <summary>How many tasks (roughly) one group transaction takes at most; a single commit may bring more.</summary>
    public const int MaxGroupTasks = 2048;

    /// <summary>How many entity bytes (roughly) one group transaction takes at most.</summary>
    public const long MaxGroupBytes = 8 * 1024 * 1024;

    /// <summary>How long a writer without work keeps its connection, waiting for the next commit.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    private readonly PostgreSqlTaskStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Lock _gate = new();
    private readonly Queue<PendingCommit> _queue = new();
    private readonly List<Task> _writers = [];
    private readonly List<TaskCompletionSource<bool>> _idle = [];
    private readonly string _insertTasks;
    private readonly string _insertClaims;
    private TaskCompletionSource? _paused;
    private int _queuedTasks;
    private int _running;
    private int _busy;
    private bool _stopped;
    private long _transactions;
    private long _commits;

    public PostgreSqlGroupCommitter(PostgreSqlTaskStore store, NpgsqlDataSource dataSource)
    {
        _store = store;
        _dataSource = dataSource;
        var schema = store.Schema;
        _insertTasks = $"""
            INSERT INTO {schema.Tasks} (id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id, captures, parent_id, first_transformer)
            SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """;

        // Inserted, or replacing an expired claim; a live claim is left alone and its key is missing from what returns.
        _insertClaims = $"""
            INSERT INTO {schema.Claims} AS c (webhook, key, request_id, items, tasks, expires_at)
            SELECT * FROM unnest($1, $2, $3, $4, $5, $6)
            ON CONFLICT (webhook, key) DO UPDATE
            SET request_id = excluded.request_id, items = excluded.items, tasks = excluded.tasks, expires_at = excluded.expires_at
            WHERE c.expires_at <= $7
            RETURNING webhook, key
            """;
    }

    /// <summary>Gets or sets how many writers (transactions) may run at once.</summary>
    public int MaxWriters { get; set; } = 2;

    /// <summary>Gets how many transactions the writers committed.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Gets how many batches the writers committed.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Gets how many commits wait for a writer.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues a batch's tasks and claims; completes once they are committed.</summary>
    /// <param name="tasks">The tasks; not changed until the returned task completes.</param>
    /// <param name="claims">The claims, each under its key's claim lock.</param>
    /// <param name="entityBytes">The tasks' entity bytes, to bound a group.</param>
    /// <param name="cancellationToken">Cancels the commit while it waits for a writer; once a writer took it, it completes.</param>
    /// <returns>A task that completes when the batch is committed.</returns>
    public Task CommitAsync(IReadOnlyList<WebhookTask> tasks, IReadOnlyList<IdempotentRequest> claims, long entityBytes, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var commit = new PendingCommit(tasks, claims, entityBytes);
        TaskCompletionSource<bool>? wake = null;
        lock (_gate)
        {
            if (_stopped)
            {
                return Task.FromException(new ObjectDisposedException(nameof(PostgreSqlTaskStore)));
            }

            _queue.Enqueue(commit);
            _queuedTasks += tasks.Count;

            // No writer at work: one takes this commit now. A writer at work takes it with its next group, unless more
            // than a full group waits already; then a second writer helps.
            if (_busy == 0 || (_busy < MaxWriters && _queuedTasks > MaxGroupTasks))
            {
                if (_idle.Count > 0)
                {
                    wake = _idle[^1];
                    _idle.RemoveAt(_idle.Count - 1);
                    _busy++;
                }
                else if (_running < MaxWriters)
                {
                    _running++;
                    _busy++;
                    _writers.RemoveAll(writer => writer.IsCompleted);
                    _writers.Add(Task.Run(RunAsync, CancellationToken.None));
                }
            }
        }

        wake?.TrySetResult(true);
        commit.CancelWhen(cancellationToken);
        return commit.Completion;
    }

    /// <summary>Holds the writers before their next group, so tests can queue commits and watch them commit as one group.</summary>
    /// <returns>Resumes the writers when disposed.</returns>
    internal IDisposable Pause()
    {
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _paused, paused);
        return new Resume(this, paused);
    }

    /// <summary>Takes no more commits, fails those still queued, and waits for the writers to finish their groups.</summary>
    /// <returns>A task that completes when every writer has stopped and returned its connection.</returns>
    public async Task StopAsync()
    {
        List<PendingCommit> dropped;
        Task[] writers;
        TaskCompletionSource<bool>[] idle;
        lock (_gate)
        {
            _stopped = true;
            dropped = [.. _queue];
            _queue.Clear();
            _queuedTasks = 0;
            writers = [.. _writers];
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var writer in idle)
        {
            writer.TrySetResult(false);
        }

        foreach (var commit in dropped)
        {
            if (commit.TryTake())
            {
                commit.Fail(new ObjectDisposedException(nameof(PostgreSqlTaskStore), "The task store was disposed before the batch was committed; nothing of it is stored."));
            }
        }

        Volatile.Read(ref _paused)?.TrySetResult();
        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    /// <summary>A writer: takes groups while commits wait, then waits a while for more, keeping its connection.</summary>
    private async Task RunAsync()
    {
        NpgsqlConnection? connection = null;
        var group = new List<PendingCommit>();
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _paused) is { } paused)
                {
                    await paused.Task.ConfigureAwait(false);
                }

                TaskCompletionSource<bool>? idle = null;
                lock (_gate)
                {
                    Take(group);
                    if (group.Count == 0)
                    {
                        _busy--;
                        if (_stopped)
                        {
                            _running--;
                            return;
                        }

                        // Decided under the lock that queues commits, so the next commit wakes this writer.
                        idle = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        _idle.Add(idle);
                    }
                }

                if (idle is null)
                {
                    connection = await WriteGroupAsync(connection, group).ConfigureAwait(false);
                    group.Clear();
                }
                else if (!await WaitForWorkAsync(idle).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits until a commit wakes the writer (counted busy by the waker); <see langword="false"/> when none came in time,
    /// or the committer stopped, and the writer ends.
    /// </summary>
    private async Task<bool> WaitForWorkAsync(TaskCompletionSource<bool> idle)
    {
        bool woken;
        try
        {
            woken = await idle.Task.WaitAsync(IdleTimeout, TimeProvider.System).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            woken = false;
        }

        if (woken)
        {
            return true;
        }

        lock (_gate)
        {
            // Taken off the idle list by a commit just as the wait ran out (not by a stop): the commit counts on this writer.
            if (!_idle.Remove(idle) && !_stopped)
            {
                return true;
            }

            _running--;
            return false;
        }
    }

    /// <summary>Takes the waiting commits up to the group's bounds; at least one when any waits. Called under the lock.</summary>
    private void Take(List<PendingCommit> group)
    {
        var tasks = 0;
        var bytes = 0L;
        while (_queue.TryPeek(out var next))
        {
            if (group.Count > 0 && (tasks + next.Tasks.Count > MaxGroupTasks || bytes + next.EntityBytes > MaxGroupBytes))
            {
                return;
            }

            _queue.Dequeue();
            _queuedTasks -= next.Tasks.Count;
            if (next.TryTake())
            {
                group.Add(next);
                tasks += next.Tasks.Count;
                bytes += next.EntityBytes;
            }
        }
    }

    /// <summary>Stores a group and completes each of its commits; returns the connection to keep for the next group.</summary>
    private async Task<NpgsqlConnection?> WriteGroupAsync(NpgsqlConnection? connection, List<PendingCommit> group)
    {
        while (group.Count > 0)
        {
            var (kept, outcome) = await TryWriteAsync(connection, group).ConfigureAwait(false);
            connection = kept;
            switch (outcome.Kind)
            {
                case OutcomeKind.Committed:
                    Interlocked.Increment(ref _transactions);
                    Interlocked.Add(ref _commits, group.Count);
                    foreach (var commit in group)
                    {
                        commit.Succeed();
                    }

                    return connection;

                case OutcomeKind.ClaimsHeld:
                    // Only the commits whose keys are held fail; the rest go again without them (rolled back, nothing stored).
                    foreach (var commit in outcome.Losers!)
                    {
                        commit.Fail(ClaimHeld(commit, outcome.Held!));
                        group.Remove(commit);
                    }

                    continue;

                case OutcomeKind.FailedBeforeCommit when group.Count > 1:
                    // Nothing is stored: each commit goes again alone, so only the one at fault fails.
                    foreach (var commit in group)
                    {
                        connection = await WriteAloneAsync(connection, commit).ConfigureAwait(false);
                    }

                    return connection;

                default:
                    // Failed alone, or the COMMIT itself failed so that its outcome is not known: the callers are told.
                    foreach (var commit in group)
                    {
                        commit.Fail(outcome.Error!);
                    }

                    return connection;
            }
        }

        return connection;
    }

    private async Task<NpgsqlConnection?> WriteAloneAsync(NpgsqlConnection? connection, PendingCommit commit)
    {
        var (kept, outcome) = await TryWriteAsync(connection, [commit]).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case OutcomeKind.Committed:
                Interlocked.Increment(ref _transactions);
                Interlocked.Increment(ref _commits);
                commit.Succeed();
                break;
            case OutcomeKind.ClaimsHeld:
                commit.Fail(ClaimHeld(commit, outcome.Held!));
                break;
            default:
                commit.Fail(outcome.Error!);
                break;
        }

        return kept;
    }

    /// <summary>
    /// One transaction for the commits. Without claims it is one round trip: the tasks and the notification in one
    /// implicit transaction, which the server commits before it answers. With claims the transaction is explicit:
    /// claims, tasks and notification, then <c>COMMIT</c> only if every claim was written.
    /// </summary>
    private async Task<(NpgsqlConnection? Connection, Outcome Outcome)> TryWriteAsync(NpgsqlConnection? connection, IReadOnlyList<PendingCommit> commits)
    {
        var committing = false;
        try
        {
            connection ??= await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            var claimCount = commits.Sum(commit => commit.Claims.Count);
            if (claimCount == 0)
            {
                var batch = Build(connection, transaction: null, commits);
                await using (batch.ConfigureAwait(false))
                {
                    committing = true;
                    await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }

                return (connection, new Outcome(OutcomeKind.Committed, null, null, null));
            }

            var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var won = new HashSet<(string Webhook, string Key)>(claimCount);
                var batch = Build(connection, transaction, commits);
                await using (batch.ConfigureAwait(false))
                {
                    var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                        {
                            won.Add((reader.GetString(0), reader.GetString(1)));
                        }

                        // Every statement's outcome is read before the COMMIT, so a failing one surfaces here.
                        while (await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false))
                        {
                        }
                    }
                }

                if (won.Count < claimCount)
                {
                    var losers = commits.Where(commit => commit.Claims.Any(claim => !won.Contains((claim.Webhook, claim.Key)))).ToList();
                    var held = await FindHeldAsync(connection, losers, won).ConfigureAwait(false);
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    return (connection, new Outcome(OutcomeKind.ClaimsHeld, null, losers, held));
                }

                committing = true;
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return (connection, new Outcome(OutcomeKind.Committed, null, null, null));
            }
        }
        catch (Exception exception)
        {
            if (connection is { State: not System.Data.ConnectionState.Open })
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
            }

            // An error the server reports ends the transaction without a commit. A connection lost while the commit was
            // on its way, or a session ended (FATAL) then, leaves it unknown whether the commit happened.
            var known = !committing || exception is PostgresException { InvariantSeverity: "ERROR" };
            return (connection, new Outcome(known ? OutcomeKind.FailedBeforeCommit : OutcomeKind.Unknown, exception, null, null));
        }
    }

    private NpgsqlBatch Build(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<PendingCommit> commits)
    {
        var claimCount = 0;
        var taskCount = 0;
        foreach (var commit in commits)
        {
            claimCount += commit.Claims.Count;
            taskCount += commit.Tasks.Count;
        }

        var batch = new NpgsqlBatch(connection, transaction);
        if (claimCount > 0)
        {
            var webhooks = new string[claimCount];
            var keys = new string[claimCount];
            var requests = new string[claimCount];
            var items = new int[claimCount];
            var tasks = new int[claimCount];
            var expires = new DateTimeOffset[claimCount];
            var i = 0;
            foreach (var commit in commits)
            {
                foreach (var claim in commit.Claims)
                {
                    webhooks[i] = claim.Webhook;
                    keys[i] = claim.Key;
                    requests[i] = claim.RequestId;
                    items[i] = claim.Items;
                    tasks[i] = claim.Tasks;
                    expires[i] = claim.ExpiresAt.ToUniversalTime();
                    i++;
                }
            }

            var command = new NpgsqlBatchCommand(_insertClaims);
            command.Parameters.Add(Array(NpgsqlDbType.Text, webhooks));
            command.Parameters.Add(Array(NpgsqlDbType.Text, keys));
            command.Parameters.Add(Array(NpgsqlDbType.Text, requests));
            command.Parameters.Add(Array(NpgsqlDbType.Integer, items));
            command.Parameters.Add(Array(NpgsqlDbType.Integer, tasks));
            command.Parameters.Add(Array(NpgsqlDbType.TimestampTz, expires));
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = _store.Now().ToUniversalTime() });
            batch.BatchCommands.Add(command);
        }

        if (taskCount > 0)
        {
            var command = new NpgsqlBatchCommand(_insertTasks);
            AddTaskArrays(command.Parameters, commits.SelectMany(commit => commit.Tasks), taskCount);
            batch.BatchCommands.Add(command);

            // Delivered to listeners when, and only if, the transaction commits.
            var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, '')");
            notify.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = _store.Schema.Channel });
            batch.BatchCommands.Add(notify);
        }

        return batch;
    }

    /// <summary>Reads, inside the failed group's transaction, the live claims that hold the keys the losers wanted.</summary>
    private async Task<Dictionary<(string Webhook, string Key), IdempotentRequest>> FindHeldAsync(
        NpgsqlConnection connection, List<PendingCommit> losers, HashSet<(string Webhook, string Key)> won)
    {
        var held = new Dictionary<(string, string), IdempotentRequest>();
        var now = _store.Now();
        foreach (var claim in losers.SelectMany(commit => commit.Claims).Where(claim => !won.Contains((claim.Webhook, claim.Key))))
        {
            if (await _store.FindClaimAsync(connection, claim.Webhook, claim.Key, now, CancellationToken.None).ConfigureAwait(false) is { } request)
            {
                held[(claim.Webhook, claim.Key)] = request;
            }
        }

        return held;
    }

    private static ClaimHeldException ClaimHeld(PendingCommit commit, Dictionary<(string Webhook, string Key), IdempotentRequest> held)
    {
        foreach (var claim in commit.Claims)
        {
            if (held.TryGetValue((claim.Webhook, claim.Key), out var request))
            {
                return new ClaimHeldException(claim, request);
            }
        }

        return new ClaimHeldException(commit.Claims[0], null);
    }

    /// <summary>Adds the parameters of a multi-row insert of tasks, one array per column, as <c>$1</c> to <c>$15</c> of <c>unnest</c> in the task columns' order.</summary>
    internal static void AddTaskArrays(NpgsqlParameterCollection parameters, IEnumerable<WebhookTask> rows, int count)
    {
        var ids = new Guid[count];
        var requests = new string[count];
        var webhooks = new string[count];
        var routes = new string[count];
        var entities = new byte[count][];
        var statuses = new short[count];
        var attempts = new int[count];
        var errors = new string?[count];
        var created = new DateTimeOffset[count];
        var updated = new DateTimeOffset[count];
        var due = new DateTimeOffset?[count];
        var leases = new Guid?[count];
        var captures = new string?[count];
        var parents = new Guid?[count];
        var first = new int[count];
        var i = 0;
        foreach (var task in rows)
        {
            ids[i] = task.Id;
            requests[i] = task.RequestId;
            webhooks[i] = task.Webhook;
            routes[i] = task.Route;
            entities[i] = Bytes(task.EntityUtf8);
            statuses[i] = (short)task.Status;
            attempts[i] = task.Attempts;
            errors[i] = task.LastError;
            created[i] = task.CreatedAt.ToUniversalTime();
            updated[i] = task.UpdatedAt.ToUniversalTime();
            due[i] = task.DueAt?.ToUniversalTime();
            leases[i] = task.LeaseId;
            captures[i] = TaskCaptures.ToJson(task.Captures);
            parents[i] = task.ParentId;
            first[i] = task.FirstTransformer;
            i++;
        }

        parameters.Add(Array(NpgsqlDbType.Uuid, ids));
        parameters.Add(Array(NpgsqlDbType.Text, requests));
        parameters.Add(Array(NpgsqlDbType.Text, webhooks));
        parameters.Add(Array(NpgsqlDbType.Text, routes));
        parameters.Add(Array(NpgsqlDbType.Bytea, entities));
        parameters.Add(Array(NpgsqlDbType.Smallint, statuses));
        parameters.Add(Array(NpgsqlDbType.Integer, attempts));
        parameters.Add(Array(NpgsqlDbType.Text, errors));
        parameters.Add(Array(NpgsqlDbType.TimestampTz, created));
        parameters.Add(Array(NpgsqlDbType.TimestampTz, updated));
        parameters.Add(Array(NpgsqlDbType.TimestampTz, due));
        parameters.Add(Array(NpgsqlDbType.Uuid, leases));
        parameters.Add(Array(NpgsqlDbType.Jsonb, captures));
        parameters.Add(Array(NpgsqlDbType.Uuid, parents));
        parameters.Add(Array(NpgsqlDbType.Integer, first));
    }

    private static NpgsqlParameter Array<T>(NpgsqlDbType type, T[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values };

    /// <summary>The entity as an array; copied only when the memory is not a whole array.</summary>
    private static byte[] Bytes(ReadOnlyMemory<byte> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    private enum OutcomeKind
    {
        Committed,
        ClaimsHeld,
        FailedBeforeCommit,
        Unknown,
    }

    private readonly record struct Outcome(OutcomeKind Kind, Exception? Error, List<PendingCommit>? Losers, Dictionary<(string Webhook, string Key), IdempotentRequest>? Held);

    private sealed class Resume(PostgreSqlGroupCommitter committer, TaskCompletionSource paused) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.CompareExchange(ref committer._paused, null, paused);
            paused.TrySetResult();
        }
    }

    /// <summary>A batch's commit waiting for, or taken by, a writer.</summary>
    private sealed class PendingCommit(IReadOnlyList<WebhookTask> tasks, IReadOnlyList<IdempotentRequest> claims, long entityBytes)
    {
        private const int Waiting = 0;
        private const int Taken = 1;
        private const int Cancelled = 2;

        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _cancellation;
        private int _state;

        public IReadOnlyList<WebhookTask> Tasks { get; } = tasks;

        public IReadOnlyList<IdempotentRequest> Claims { get; } = claims;

        public long EntityBytes { get; } = entityBytes;

        public Task Completion => _completion.Task;

        /// <summary>Cancels the commit when the token is cancelled before a writer takes it.</summary>
        public void CancelWhen(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(
                    static (state, token) =>
                    {
                        var commit = (PendingCommit)state!;
                        if (Interlocked.CompareExchange(ref commit._state, Cancelled, Waiting) == Waiting)
                        {
                            commit._completion.TrySetCanceled(token);
                        }
                    },
                    this);
            }
        }

        /// <summary>Takes the commit for a writer; <see langword="false"/> when it was cancelled first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        public void Succeed()
        {
            _cancellation.Dispose();
            _completion.TrySetResult();
        }

        public void Fail(Exception exception)
        {
            _cancellation.Dispose();
            _completion.TrySetException(exception);
        }
    }
}

/// <summary>
/// A batch's idempotency key is held by a request another store committed meanwhile (one that does not take this
/// library's claim locks, such as an older version on the same schema); nothing of the batch is stored.
/// </summary>
internal sealed class ClaimHeldException(IdempotentRequest claim, IdempotentRequest? held)
    : InvalidOperationException($"The idempotency key '{claim.Key}' of webhook '{claim.Webhook}' is held by another committed request{(held is null ? string.Empty : $" ({held.RequestId})")}; nothing of request {claim.RequestId} is stored.")
{
    /// <summary>Gets the request that holds the key, when it could be read.</summary>
    public IdempotentRequest? Held { get; } = held;
}
