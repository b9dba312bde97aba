using Alumio.Webhooks.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Alumio.Webhooks.PostgreSql;

/// <summary>
/// One request's tasks, stored all together or not at all. A small batch (fewer than <see cref="WriteAheadTasks"/> tasks
/// and <see cref="WriteAheadBytes"/> entity bytes) stays in memory and is committed by the store's
/// <see cref="PostgreSqlGroupCommitter"/>, in one transaction with the other batches committing at the same time. A
/// larger one streams its tasks into a transaction of its own with binary <c>COPY</c> as they come, so a large request
/// is never held in memory, and commits that transaction.
/// </summary>
/// <remarks>
/// An idempotency claim takes a transaction-scoped advisory lock on its key (<see cref="PostgreSqlSchema.ClaimLockKey"/>)
/// in a transaction the batch holds open until it ends, and then looks for a committed, live claim of the key. So a
/// second claimer, in this instance or any other, waits until the first batch has committed (and then finds its claim)
/// or was abandoned (and then gets the key). The claim itself is written with the batch's commit; should another
/// request hold the key by then after all (one that took no lock, such as an older version of this library on the same
/// schema), that commit fails alone and stores nothing.
/// </remarks>
internal sealed class PostgreSqlTaskBatch(PostgreSqlTaskStore store) : ITaskBatch
{
    /// <summary>How many tasks a batch holds in memory; from this many on it streams them into a transaction of its own.</summary>
    public const int WriteAheadTasks = 512;

    /// <summary>How many entity bytes a batch holds in memory; from this many on it streams them into a transaction of its own.</summary>
    public const long WriteAheadBytes = 4 * 1024 * 1024;

    private readonly List<WebhookTask> _pending = [];
    private readonly List<IdempotentRequest> _claims = [];
    private long _pendingBytes;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private bool _holdsClaimSlot;
    private bool _streaming;
    private int _streamed;
    private State _state;

    private enum State
    {
        Open,
        Failed,
        Finished,
    }

    /// <summary>Gets a value indicating whether the batch streams into a transaction of its own (for tests).</summary>
    internal bool Streaming => _streaming;

    public async ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ThrowUnlessOpen();
        cancellationToken.ThrowIfCancellationRequested();
        if (tasks.Count == 0)
        {
            return;
        }

        foreach (var task in tasks)
        {
            ArgumentNullException.ThrowIfNull(task, nameof(tasks));
            _pendingBytes += task.EntityUtf8.Length;
        }

        // Copied: the caller reuses its list once this returns.
        _pending.AddRange(tasks);
        if (_streaming || _pending.Count >= WriteAheadTasks || _pendingBytes >= WriteAheadBytes)
        {
            await Guard(StreamAsync(cancellationToken)).ConfigureAwait(false);
        }
    }

    public async ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ThrowUnlessOpen();
        if (_claims.Exists(held => held.Webhook == claim.Webhook && held.Key == claim.Key))
        {
            throw new InvalidOperationException("This batch already claims the key.");
        }

        var held = await Guard(LockAndFindAsync(claim, cancellationToken)).ConfigureAwait(false);
        if (held is null)
        {
            _claims.Add(claim);
        }

        return held;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ThrowUnlessOpen();
        if (_streaming)
        {
            await Guard(CommitOwnTransactionAsync(cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            if (_pending.Count > 0 || _claims.Count > 0)
            {
                await Guard(new ValueTask(store.GroupCommitter.CommitAsync(_pending, _claims, _pendingBytes, cancellationToken))).ConfigureAwait(false);
            }

            // Committed. The claims' locks are let go only now, so a claimer waiting for one of them finds the claim.
            _state = State.Finished;
            try
            {
                await EndTransactionAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection broke: its session ends on the server, and the locks with it. The batch is stored.
            }
        }

        _state = State.Finished;
        _pending.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        // Nothing was written for a batch still in memory; a streaming batch's transaction is rolled back.
        _state = State.Finished;
        _pending.Clear();
        _claims.Clear();
        await EndTransactionAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the batch's own transaction, when it has none yet. One opened for a claim lock, while the batch is still in
    /// memory, first takes one of the store's claim connection slots, so that such batches (which wait for the group
    /// writer holding their connection) never take the connections the writer needs.
    /// </summary>
    private async ValueTask<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> TransactionAsync(bool forClaim, CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return (_connection, _transaction!);
        }

        if (forClaim)
        {
            await store.ClaimConnections.WaitAsync(cancellationToken).ConfigureAwait(false);
            _holdsClaimSlot = true;
        }

        try
        {
            var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _connection = connection;
            return (connection, _transaction);
        }
        catch
        {
            ReleaseClaimSlot();
            throw;
        }
    }

    private void ReleaseClaimSlot()
    {
        if (_holdsClaimSlot)
        {
            _holdsClaimSlot = false;
            store.ClaimConnections.Release();
        }
    }

    /// <summary>Ends the batch's own transaction (rolling back what it did not commit) and gives its connection back.</summary>
    private async ValueTask EndTransactionAsync()
    {
        var connection = _connection;
        var transaction = _transaction;
        _connection = null;
        _transaction = null;
        if (connection is null)
        {
            return;
        }

        try
        {
            await transaction!.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            ReleaseClaimSlot();
        }
    }

    /// <summary>Waits for the key's claim lock, then reads the committed, live claim that holds the key, if any.</summary>
    private async ValueTask<IdempotentRequest?> LockAndFindAsync(IdempotentRequest claim, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await TransactionAsync(forClaim: !_streaming, cancellationToken).ConfigureAwait(false);

        // One round trip: the lock, then (with a snapshot taken once the lock is held) the committed claim.
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var lockKey = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)");
            lockKey.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = store.Schema.ClaimLockKey(claim.Webhook, claim.Key) });
            batch.BatchCommands.Add(lockKey);
            var find = new NpgsqlBatchCommand($"SELECT request_id, items, tasks, expires_at FROM {store.Schema.Claims} WHERE webhook = $1 AND key = $2 AND expires_at > $3");
            find.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = claim.Webhook });
            find.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = claim.Key });
            find.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = store.Now().ToUniversalTime() });
            batch.BatchCommands.Add(find);

            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new IdempotentRequest(claim.Webhook, claim.Key, reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3))
                    : null;
            }
        }
    }

    /// <summary>Writes the tasks held in memory into the batch's own transaction; from now on every part goes there at once.</summary>
    private async ValueTask StreamAsync(CancellationToken cancellationToken)
    {
        var (connection, _) = await TransactionAsync(forClaim: false, cancellationToken).ConfigureAwait(false);
        _streaming = true;
        var importer = await connection.BeginBinaryImportAsync(
            $"COPY {store.Schema.Tasks} (id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id, captures, parent_id, first_transformer) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var task in _pending)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.Id, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.RequestId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.Webhook, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.Route, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.EntityUtf8, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync((short)task.Status, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.Attempts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, task.LastError, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(task.UpdatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                if (task.DueAt is { } due)
                {
                    await importer.WriteAsync(due.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                if (task.LeaseId is { } lease)
                {
                    await importer.WriteAsync(lease, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await WriteNullableAsync(importer, TaskCaptures.ToJson(task.Captures), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                if (task.ParentId is { } parent)
                {
                    await importer.WriteAsync(parent, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(task.FirstTransformer, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        _streamed += _pending.Count;
        _pending.Clear();
        _pendingBytes = 0;
    }

    /// <summary>Commits a streaming batch's own transaction: its claims, a notification, then the <c>COMMIT</c>.</summary>
    private async ValueTask CommitOwnTransactionAsync(CancellationToken cancellationToken)
    {
        var (connection, transaction) = await TransactionAsync(forClaim: false, cancellationToken).ConfigureAwait(false);
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var claim in _claims)
            {
                // Under the key's lock no instance of this library writes the key; one that takes no lock may have.
                var insert = new NpgsqlBatchCommand($"""
                    INSERT INTO {store.Schema.Claims} AS c (webhook, key, request_id, items, tasks, expires_at)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (webhook, key) DO UPDATE
                    SET request_id = excluded.request_id, items = excluded.items, tasks = excluded.tasks, expires_at = excluded.expires_at
                    WHERE c.expires_at <= $7
                    RETURNING 1
                    """);
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = claim.Webhook });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = claim.Key });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = claim.RequestId });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = claim.Items });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = claim.Tasks });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = claim.ExpiresAt.ToUniversalTime() });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = store.Now().ToUniversalTime() });
                batch.BatchCommands.Add(insert);
            }

            if (_streamed > 0)
            {
                // Delivered to listeners when, and only if, the transaction commits.
                var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, '')");
                notify.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = store.Schema.Channel });
                batch.BatchCommands.Add(notify);
            }

            if (batch.BatchCommands.Count > 0)
            {
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    foreach (var claim in _claims)
                    {
                        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            throw new ClaimHeldException(claim, null);
                        }

                        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a step; when it fails, the batch no longer knows what of it is stored and can only be disposed.</summary>
    private async ValueTask Guard(ValueTask step)
    {
        try
        {
            await step.ConfigureAwait(false);
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    private async ValueTask<T> Guard<T>(ValueTask<T> step)
    {
        try
        {
            return await step.ConfigureAwait(false);
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    private static ValueTask WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? new ValueTask(importer.WriteNullAsync(cancellationToken)) : new ValueTask(importer.WriteAsync(value, type, cancellationToken));

    private void ThrowUnlessOpen()
    {
        switch (_state)
        {
            case State.Failed:
                throw new InvalidOperationException("An earlier step of the batch failed; nothing of it can be stored any more. Dispose it.");
            case State.Finished:
                throw new InvalidOperationException("The batch is already committed or disposed.");
        }
    }
}
