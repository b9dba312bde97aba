using System.Threading.Channels;
using Alumio.Webhooks.Sqlite.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.Sqlite;

/// <summary>
/// The only writer of the database: one connection and one thread that take queued work and run everything that
/// waits in one transaction (group commit). A failing piece fails alone: a group runs first as one plain transaction,
/// and only when a piece of it fails is it rolled back and run again with each piece in its own savepoint (a savepoint
/// costs a copy of every page its piece changes that the group changed before). A group that holds durable work commits
/// with <c>synchronous=FULL</c>; since the WAL is synced as a whole, that also makes the earlier, non-durable groups
/// (staged rows, leases) durable.
/// </summary>
internal sealed class SqliteWriter
{
    /// <summary>
    /// How many rows (roughly) a group transaction collects before it stops taking work: some milliseconds of work, so
    /// a small commit does not wait long behind the staged rows of large requests.
    /// </summary>
    public const int MaxGroupWeight = 2_048;

    private readonly SqliteConnection _connection;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly ManualResetEventSlim _running = new(initialState: true);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SqliteTaskInsert? _taskInsert;
    private bool _synchronousFull = true;
    private long _transactions;
    private int _queued;

    /// <summary>Initializes a new instance of the <see cref="SqliteWriter"/> class and starts its thread.</summary>
    /// <param name="connection">The open connection, in WAL mode with <c>synchronous=FULL</c>; the writer owns it from now on.</param>
    /// <param name="path">The database file, for logs.</param>
    /// <param name="logger">Where failures are logged.</param>
    public SqliteWriter(SqliteConnection connection, string path, ILogger logger)
    {
        _connection = connection;
        _path = path;
        _logger = logger;
        new Thread(Run) { IsBackground = true, Name = "Alumio SQLite task store writer" }.Start();
    }

    /// <summary>Gets how many transactions the writer committed.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Gets or sets the most pieces of work one transaction takes; 1 turns group commit off, for measurements.</summary>
    internal int MaxGroupSize { get; set; } = int.MaxValue;

    /// <summary>Gets how many pieces of work wait in the queue.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Queues work; it runs in the next group transaction and completes once that committed.</summary>
    /// <param name="durable">Whether the work must be on disk before it completes.</param>
    /// <param name="weight">About how many rows the work writes.</param>
    /// <param name="work">The work, run on the writer thread; it uses <see cref="Command"/>.</param>
    /// <param name="cancellationToken">Cancels the work while it is queued.</param>
    /// <returns>The work's result.</returns>
    public Task<T> Enqueue<T>(bool durable, int weight, Func<SqliteWriter, T> work, CancellationToken cancellationToken)
    {
        var operation = new WriteOperation<T>(durable, weight, work, cancellationToken);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(operation))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(SqliteTaskStore));
        }

        return operation.Completion;
    }

    /// <summary>Gets the task insert on the writer's connection; only for work running on the writer thread.</summary>
    public SqliteTaskInsert TaskInsert => _taskInsert ??= new SqliteTaskInsert(_connection);

    /// <summary>A command on the writer's connection, prepared once and reused; only for work running on the writer thread.</summary>
    /// <param name="sql">The statement.</param>
    /// <returns>The command; set its parameters with <see cref="SqliteValues.Set"/>.</returns>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        return command;
    }

    /// <summary>Stops taking work once the queue is empty, and closes the connection.</summary>
    /// <returns>A task that completes when the writer has stopped.</returns>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        _running.Set();
        return _stopped.Task;
    }

    /// <summary>Holds the writer before its next group, so tests can queue work and watch it commit as one group.</summary>
    /// <returns>Resumes the writer when disposed.</returns>
    internal IDisposable Pause()
    {
        _running.Reset();
        return new Resume(_running);
    }

    private void Run()
    {
        var group = new List<WriteOperation>();
        try
        {
            var reader = _queue.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                _running.Wait();
                var weight = 0;
                while (weight < MaxGroupWeight && group.Count < MaxGroupSize && reader.TryRead(out var operation))
                {
                    Interlocked.Decrement(ref _queued);
                    if (operation.CancellationToken.IsCancellationRequested)
                    {
                        operation.Cancel();
                        continue;
                    }

                    group.Add(operation);
                    weight += operation.Weight;
                }

                if (group.Count > 0)
                {
                    RunGroup(group);
                    group.Clear();
                }
            }
        }
        catch (Exception exception)
        {
            Log.WriterStopped(_logger, _path, exception);
            foreach (var operation in group)
            {
                operation.Fail(exception);
            }

            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var operation))
            {
                operation.Fail(new ObjectDisposedException(nameof(SqliteTaskStore), exception));
            }
        }
        finally
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _taskInsert?.Dispose();

            _connection.Dispose();
            _stopped.TrySetResult();
        }
    }

    private void RunGroup(List<WriteOperation> group)
    {
        var durable = group.Exists(operation => operation.Durable);
        try
        {
            if (durable != _synchronousFull)
            {
                // Changed between transactions only; a FULL commit syncs the whole WAL, earlier NORMAL frames included.
                Execute(durable ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
                _synchronousFull = durable;
            }

            Execute("BEGIN IMMEDIATE;");
        }
        catch (Exception exception)
        {
            FailAll(group, exception);
            return;
        }

        Exception? failure = null;
        try
        {
            foreach (var operation in group)
            {
                operation.Execute(this);
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        if (failure is null)
        {
            Commit(group);
            return;
        }

        // A piece failed. Nothing of the group is kept: it runs again piece by piece, which tells the failing one apart
        // (the pieces only write to the database, so running one again is the same as running it once).
        if (!TryRollBack())
        {
            FailAll(group, failure);
            return;
        }

        RunEachInSavepoint(group);
    }

    /// <summary>Runs the group in a new transaction with each piece in its own savepoint, so that a failing piece fails alone.</summary>
    private void RunEachInSavepoint(List<WriteOperation> group)
    {
        try
        {
            Execute("BEGIN IMMEDIATE;");
        }
        catch (Exception exception)
        {
            FailAll(group, exception);
            return;
        }

        foreach (var operation in group)
        {
            try
            {
                Execute("SAVEPOINT work;");
                operation.Execute(this);
                Execute("RELEASE work;");
            }
            catch (Exception exception)
            {
                operation.Error = exception;
                if (!TryRollBackWork())
                {
                    // SQLite rolled the whole transaction back (I/O error, disk full): the group's earlier work is gone too.
                    FailAll(group, exception);
                    return;
                }
            }
        }

        Commit(group);
    }

    private void Commit(List<WriteOperation> group)
    {
        try
        {
            Execute("COMMIT;");
        }
        catch (Exception exception)
        {
            FailAll(group, exception);
            return;
        }

        Interlocked.Increment(ref _transactions);
        foreach (var operation in group)
        {
            if (operation.Error is { } error)
            {
                operation.Fail(error);
            }
            else
            {
                operation.Succeed();
            }
        }
    }

    /// <summary>Rolls the open transaction back, if SQLite has not done so already.</summary>
    /// <returns>Whether no transaction is open any more.</returns>
    private bool TryRollBack()
    {
        if (InTransaction)
        {
            try
            {
                Execute("ROLLBACK;");
            }
            catch (SqliteException)
            {
                // Checked below.
            }
        }

        return !InTransaction;
    }

    private bool TryRollBackWork()
    {
        if (!InTransaction)
        {
            return false;
        }

        try
        {
            Execute("ROLLBACK TO work;");
            Execute("RELEASE work;");
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private void FailAll(List<WriteOperation> group, Exception exception)
    {
        Log.WriteFailed(_logger, _path, group.Count, exception);
        if (InTransaction)
        {
            try
            {
                Execute("ROLLBACK;");
            }
            catch (SqliteException)
            {
                // The connection is beyond rollback; the next BEGIN fails too and says why.
            }
        }

        foreach (var operation in group)
        {
            operation.Fail(operation.Error ?? exception);
        }
    }

    private bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0;

    private void Execute(string sql) => Command(sql).ExecuteNonQuery();

    private sealed class Resume(ManualResetEventSlim running) : IDisposable
    {
        public void Dispose() => running.Set();
    }
}
