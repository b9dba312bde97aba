namespace Alumio.Webhooks.Tasks;

/// <summary>The tasks of one request, stored all together or not at all.</summary>
public interface ITaskBatch : IAsyncDisposable
{
    /// <summary>Adds tasks to the batch. A store may write them ahead, but no reader sees them before the commit.</summary>
    /// <param name="tasks">The tasks, with status <see cref="WebhookTaskStatus.New"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tasks are staged.</returns>
    ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken);

    /// <summary>
    /// Claims an idempotency key for this batch's request. When a committed, unexpired claim of another request holds
    /// the key, that request is returned and this batch must not be committed. While another uncommitted batch holds
    /// the key, the call waits until that batch commits (then returns it) or is abandoned (then claims the key).
    /// The claim becomes visible with the commit; an expired claim is replaced.
    /// </summary>
    /// <param name="claim">The key, the request claiming it and its counts, and when the claim expires.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="null"/> when this batch now holds the key; otherwise the earlier request that holds it.</returns>
    ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken);

    /// <summary>Commits the batch: every task and claim becomes visible at once and durable before this completes.</summary>
    /// <param name="cancellationToken">Cancels the commit while the store has not started writing it; then nothing is stored. Once writing began, the commit completes.</param>
    /// <returns>A task that completes when the batch is stored.</returns>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}
