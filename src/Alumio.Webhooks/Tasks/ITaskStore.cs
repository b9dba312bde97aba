namespace Alumio.Webhooks.Tasks;

/// <summary>Stores tasks durably and hands them to processors under a lease.</summary>
public interface ITaskStore
{
    /// <summary>
    /// Starts storing the tasks of one request. Tasks added to the batch are written as they come, so a
    /// request with millions of items needs no memory for them, but none is visible or leased before
    /// <see cref="ITaskBatch.CommitAsync"/>; a batch disposed without a commit leaves nothing behind.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The open batch; dispose it.</returns>
    ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Leases tasks that are due: new ones, and processing ones whose lease ran out. Leased tasks are
    /// returned with status <see cref="WebhookTaskStatus.Processing"/>.
    /// </summary>
    /// <param name="maxCount">The most tasks to lease.</param>
    /// <param name="leaseDuration">How long the caller holds them before another processor may take them.</param>
    /// <param name="cancellationToken">Cancels the lease.</param>
    /// <returns>The leased tasks, oldest first; empty when none are due.</returns>
    ValueTask<IReadOnlyList<WebhookTask>> LeaseAsync(int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Saves the outcome of processing a leased task and ends its lease.</summary>
    /// <param name="task">The task with its new status, attempts, error and update time.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the outcome is stored.</returns>
    ValueTask UpdateAsync(WebhookTask task, CancellationToken cancellationToken);

    /// <summary>Gets one task.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The task, or <see langword="null"/> when there is none with that id.</returns>
    ValueTask<WebhookTask?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Lists tasks, ordered by id, one page at a time.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page of tasks and the cursor of the next.</returns>
    ValueTask<TaskPage> QueryAsync(TaskQuery query, CancellationToken cancellationToken);
}
