using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Sqlite;

/// <summary>
/// A batch whose tasks are written ahead as staged rows (marked with the batch's number, invisible to every read)
/// as they are added, so memory does not grow with the request; the commit makes them visible with one update.
/// </summary>
internal sealed class SqliteTaskBatch(SqliteTaskStore store, long id) : ITaskBatch
{
    private readonly List<SqliteTaskStore.ClaimReservation> _claims = [];
    private State _state;
    private int _staged;
    private bool _wroteAhead;

    private enum State
    {
        Open,
        Committed,
        Disposed,
    }

    /// <summary>Gets the batch's number, stored in the <c>batch</c> column of its staged rows.</summary>
    public long Id { get; } = id;

    public async ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ThrowUnlessOpen();
        if (tasks.Count == 0)
        {
            return;
        }

        // The writer reads the list while this call waits, and never after: the caller may reuse it once this returns.
        _wroteAhead = true;
        _staged += await store.StageAsync(Id, tasks, cancellationToken).ConfigureAwait(false);
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
        await store.CommitAsync(Id, _staged, _claims, cancellationToken).ConfigureAwait(false);
        _state = State.Committed;
        store.ReleaseClaims(_claims);
        _claims.Clear();
    }

    public ValueTask DisposeAsync()
    {
        if (_state == State.Open)
        {
            _state = State.Disposed;
            store.ReleaseClaims(_claims);
            _claims.Clear();
            if (_wroteAhead)
            {
                store.DeleteStaged(Id);
            }
        }

        _state = State.Disposed;
        return ValueTask.CompletedTask;
    }

    private void ThrowUnlessOpen()
    {
        if (_state != State.Open)
        {
            throw new InvalidOperationException("The batch is already committed or disposed.");
        }
    }
}
