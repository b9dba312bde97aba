using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Sqlite;

/// <summary>
/// A batch whose tasks are written ahead as staged rows (marked with the batch's number, invisible to every read)
/// once a part of <see cref="WriteAheadTasks"/> tasks or <see cref="WriteAheadBytes"/> bytes is together, so memory
/// does not grow with the request; the commit writes the last part and makes every row visible, in one transaction.
/// A small request is written by its commit alone.
/// </summary>
internal sealed class SqliteTaskBatch(SqliteTaskStore store, long id) : ITaskBatch
{
    /// <summary>How many tasks a batch holds before it writes them ahead.</summary>
    public const int WriteAheadTasks = 512;

    /// <summary>How many entity bytes a batch holds before it writes them ahead.</summary>
    public const long WriteAheadBytes = 4 * 1024 * 1024;

    private readonly List<SqliteTaskStore.ClaimReservation> _claims = [];
    private readonly List<WebhookTask> _pending = [];
    private long _pendingBytes;
    private State _state;
    private int _staged;
    private bool _wroteAhead;

    private enum State
    {
        Open,
        Failed,
        Committed,
        Disposed,
    }

    /// <summary>Gets the batch's number, stored in the <c>batch</c> column of its staged rows.</summary>
    public long Id { get; } = id;

    public async ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ThrowUnlessOpen();
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var task in tasks)
        {
            ArgumentNullException.ThrowIfNull(task, nameof(tasks));
            _pendingBytes += task.EntityUtf8.Length;
        }

        // Copied: the caller reuses its list once this returns.
        _pending.AddRange(tasks);
        if (_pending.Count >= WriteAheadTasks || _pendingBytes >= WriteAheadBytes)
        {
            await Guard(WriteAheadAsync(cancellationToken)).ConfigureAwait(false);
        }
    }

    public async ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ThrowUnlessOpen();
        var (reservation, held) = await store.ReserveClaimAsync(claim, this, cancellationToken).ConfigureAwait(false);
        if (reservation is not null)
        {
            _claims.Add(reservation);
        }

        return held;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ThrowUnlessOpen();
        await Guard(store.CommitAsync(Id, _staged, _pending, _claims, cancellationToken)).ConfigureAwait(false);
        _state = State.Committed;
        _pending.Clear();
        store.ReleaseClaims(_claims);
        _claims.Clear();
    }

    public ValueTask DisposeAsync()
    {
        if (_state is State.Open or State.Failed)
        {
            store.ReleaseClaims(_claims);
            _claims.Clear();
            _pending.Clear();
            if (_wroteAhead)
            {
                store.DeleteStaged(Id);
            }
        }

        _state = State.Disposed;
        return ValueTask.CompletedTask;
    }

    private async ValueTask WriteAheadAsync(CancellationToken cancellationToken)
    {
        _wroteAhead = true;
        _staged += await store.StageAsync(Id, _pending, cancellationToken).ConfigureAwait(false);
        _pending.Clear();
        _pendingBytes = 0;
    }

    /// <summary>Runs a write; when it fails, the batch no longer knows what is stored of it and can only be disposed.</summary>
    private async ValueTask Guard(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    private void ThrowUnlessOpen()
    {
        switch (_state)
        {
            case State.Failed:
                throw new InvalidOperationException("An earlier write of the batch failed; nothing of it can be stored any more. Dispose it.");
            case State.Committed or State.Disposed:
                throw new InvalidOperationException("The batch is already committed or disposed.");
        }
    }
}
