using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Receiving;

/// <summary>
/// Writes a request's tasks to the store in batches as items stream in, and commits them together.
/// Disposing without a commit leaves nothing behind.
/// </summary>
internal sealed class RequestTaskWriter(ITaskStore store) : IAsyncDisposable
{
    /// <summary>How many tasks are handed to the store at once.</summary>
    public const int FlushSize = 512;

    private readonly List<WebhookTask> _pending = new(16);
    private ITaskBatch? _batch;

    public int Count { get; private set; }

    public async ValueTask AddAsync(WebhookTask task, CancellationToken cancellationToken)
    {
        _pending.Add(task);
        Count++;
        if (_pending.Count >= FlushSize)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Claims an idempotency key in this request's batch; the earlier request when another holds it.</summary>
    public async ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _batch ??= await store.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
            return await _batch.ClaimAsync(claim, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new TaskStoreException(exception);
        }
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_batch is null)
        {
            return;
        }

        try
        {
            await _batch!.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new TaskStoreException(exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_batch is not null)
        {
            await _batch.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        try
        {
            _batch ??= await store.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
            await _batch.AddAsync(_pending, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new TaskStoreException(exception);
        }

        _pending.Clear();
    }
}

/// <summary>The task store failed while a request's tasks were written.</summary>
internal sealed class TaskStoreException(Exception inner) : Exception("The task store failed.", inner);
