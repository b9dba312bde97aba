namespace Alumio.Webhooks.Tasks;

/// <summary>
/// Where tasks live: written in batches that are committed all at once, leased by processors, completed, queried,
/// retried and pruned. Implementations: <see cref="InMemoryTaskStore"/>, and the SQLite and PostgreSQL packages.
/// </summary>
/// <remarks>
/// Every implementation passes the same contract tests. A task that is stored is never lost: a leased task whose
/// processor disappears comes back once its lease runs out, and an outcome is only recorded under the current lease.
/// </remarks>
public interface ITaskStore
{
    /// <summary>Begins a batch: tasks added to it are stored, and visible, only once it is committed.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The batch; disposing it without committing stores nothing.</returns>
    ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Leases due tasks: new ones, retries whose time has come, and leased ones whose lease ran out. Each comes back
    /// as <see cref="WebhookTaskStatus.Processing"/> with a fresh <see cref="WebhookTask.LeaseId"/>, and
    /// <see cref="WebhookTask.DueAt"/> set to when the lease runs out. Concurrent callers never receive the same task
    /// under a live lease. Due tasks are handed out oldest due first.
    /// </summary>
    /// <param name="request">How many, for how long, and which tasks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The leased tasks; empty when none is due.</returns>
    ValueTask<IReadOnlyList<WebhookTask>> LeaseAsync(TaskLeaseRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Records the outcome of an attempt on a leased task: its new status (<see cref="WebhookTaskStatus.Finished"/>,
    /// <see cref="WebhookTaskStatus.Skipped"/>, <see cref="WebhookTaskStatus.Failed"/>, or
    /// <see cref="WebhookTaskStatus.Retry"/> with <see cref="WebhookTask.DueAt"/>), attempts and last error, and the
    /// attempt in the task's history. Ends the lease.
    /// </summary>
    /// <param name="task">The task as leased, with the outcome applied; its <see cref="WebhookTask.LeaseId"/> names the lease.</param>
    /// <param name="attempt">The attempt to add to the history, or <see langword="null"/> when nothing was attempted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease is no longer current (it ran out and the task was leased again); nothing is changed then.</returns>
    ValueTask<bool> CompleteAsync(WebhookTask task, TaskAttempt? attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a brancher split a leased task: the task ends as given (<see cref="WebhookTaskStatus.Finished"/>),
    /// the attempt is added to its history, and the branches are stored as new tasks, all in one transaction; a
    /// processor that dies before it commits leaves the task leased and no branch stored, so nothing is split twice.
    /// </summary>
    /// <param name="task">The task as leased, with the outcome applied; its <see cref="WebhookTask.LeaseId"/> names the lease.</param>
    /// <param name="attempt">The attempt to add to the history, or <see langword="null"/>.</param>
    /// <param name="branches">The new tasks, with status <see cref="WebhookTaskStatus.New"/>, <see cref="WebhookTask.ParentId"/> the task's id, and the same webhook, route and request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease is no longer current; nothing is changed or stored then.</returns>
    ValueTask<bool> BranchAsync(WebhookTask task, TaskAttempt? attempt, IReadOnlyList<WebhookTask> branches, CancellationToken cancellationToken);

    /// <summary>Gives leased tasks back untouched, due at once, as when a processor shuts down before starting them.</summary>
    /// <param name="tasks">The tasks as leased.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the leases are released; tasks whose lease is no longer current are left alone.</returns>
    ValueTask ReleaseAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken);

    /// <summary>Gets one task.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, or <see langword="null"/> when no committed task has that id.</returns>
    ValueTask<WebhookTask?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Gets the attempts made on a task, oldest first.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The attempts; empty for an unknown task or one never attempted.</returns>
    ValueTask<IReadOnlyList<TaskAttempt>> GetAttemptsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Lists committed tasks matching a filter, ordered by id, one page at a time.</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    ValueTask<TaskPage> QueryAsync(TaskQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <see cref="WebhookTaskStatus.Failed"/> tasks matching the filter due again at once, as
    /// <see cref="WebhookTaskStatus.Retry"/>; their attempts and history are kept. Tasks with another status are
    /// left alone, whatever the filter's <see cref="TaskQuery.Status"/>.
    /// </summary>
    /// <param name="filter">Which tasks; <see cref="TaskQuery.Limit"/> and <see cref="TaskQuery.After"/> are ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many tasks were made due.</returns>
    ValueTask<int> RetryAsync(TaskQuery filter, CancellationToken cancellationToken);

    /// <summary>Deletes <see cref="WebhookTaskStatus.Finished"/> and <see cref="WebhookTaskStatus.Skipped"/> tasks last updated before a moment, with their history.</summary>
    /// <param name="updatedBefore">The moment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many tasks were deleted.</returns>
    ValueTask<int> PruneAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken);

    /// <summary>Finds the request that holds an idempotency key, if it was committed and has not expired.</summary>
    /// <param name="webhook">The webhook identifier.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The earlier request, or <see langword="null"/>.</returns>
    ValueTask<IdempotentRequest?> FindRequestAsync(string webhook, string key, CancellationToken cancellationToken);
}
