using Alumio.Webhooks.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Alumio.Webhooks.PostgreSql;

/// <summary>
/// One request's tasks in one open transaction: each part is written at once with binary <c>COPY</c> (so a large request
/// is never held in memory), claims are inserted in the same transaction, and the commit makes everything visible at once
/// and notifies the other instances. Disposing without a commit rolls everything back.
/// </summary>
internal sealed class PostgreSqlTaskBatch(PostgreSqlTaskStore store, NpgsqlConnection connection, NpgsqlTransaction transaction) : ITaskBatch
{
    private readonly HashSet<(string Webhook, string Key)> _claims = [];
    private int _added;
    private bool _finished;

    public async ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ThrowIfFinished();
        if (tasks.Count == 0)
        {
            return;
        }

        // The caller reuses the list once this returns, so every row is written before it does.
        var importer = await connection.BeginBinaryImportAsync(
            $"COPY {store.Schema.Tasks} (id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var task in tasks)
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
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        _added += tasks.Count;
    }

    public async ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ThrowIfFinished();
        if (_claims.Contains((claim.Webhook, claim.Key)))
        {
            throw new InvalidOperationException("This batch already claims the key.");
        }

        while (true)
        {
            var now = store.Now();

            // Inserted, or replacing an expired claim: this batch holds the key. A concurrent uncommitted claim of the same
            // key makes this statement wait for that transaction: once it commits, the key conflicts with a live claim and
            // nothing is returned; if it rolls back, the insert goes ahead.
            await using (var insert = new NpgsqlCommand(
                $"""
                INSERT INTO {store.Schema.Claims} AS c (webhook, key, request_id, items, tasks, expires_at)
                VALUES (@webhook, @key, @request, @items, @tasks, @expires)
                ON CONFLICT (webhook, key) DO UPDATE
                SET request_id = excluded.request_id, items = excluded.items, tasks = excluded.tasks, expires_at = excluded.expires_at
                WHERE c.expires_at <= @now
                RETURNING 1
                """,
                connection,
                transaction))
            {
                insert.Parameters.Add(PostgreSqlTaskStore.Parameter("webhook", NpgsqlDbType.Text, claim.Webhook));
                insert.Parameters.Add(PostgreSqlTaskStore.Parameter("key", NpgsqlDbType.Text, claim.Key));
                insert.Parameters.Add(PostgreSqlTaskStore.Parameter("request", NpgsqlDbType.Text, claim.RequestId));
                insert.Parameters.Add(PostgreSqlTaskStore.Parameter("items", NpgsqlDbType.Integer, claim.Items));
                insert.Parameters.Add(PostgreSqlTaskStore.Parameter("tasks", NpgsqlDbType.Integer, claim.Tasks));
                insert.Parameters.Add(PostgreSqlTaskStore.Parameter("expires", NpgsqlDbType.TimestampTz, claim.ExpiresAt));
                insert.Parameters.Add(PostgreSqlTaskStore.Parameter("now", NpgsqlDbType.TimestampTz, now));
                if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    _claims.Add((claim.Webhook, claim.Key));
                    return null;
                }
            }

            // A live claim holds the key. It is read anew (this statement sees what committed meanwhile); should it be gone
            // already (pruned, or expired just now), the claim is tried again.
            if (await store.FindClaimAsync(connection, claim.Webhook, claim.Key, now, cancellationToken).ConfigureAwait(false) is { } held)
            {
                return held;
            }
        }
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfFinished();
        if (_added > 0)
        {
            // Delivered to listeners when, and only if, the transaction commits.
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, '')", connection, transaction);
            notify.Parameters.Add(PostgreSqlTaskStore.Parameter("channel", NpgsqlDbType.Text, store.Schema.Channel));
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing an uncommitted transaction rolls it back; the connection goes back to the pool.
        _finished = true;
        try
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static ValueTask WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? new ValueTask(importer.WriteNullAsync(cancellationToken)) : new ValueTask(importer.WriteAsync(value, type, cancellationToken));

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The batch is already committed or disposed.");
        }
    }
}
