namespace Alumio.Webhooks.Tasks;

/// <summary>
/// A store that passes every call to another one; derive from it to decorate a store (metrics, logging, fault
/// injection in tests) by overriding only the calls that matter.
/// </summary>
/// <param name="inner">The store that does the work.</param>
public abstract class DelegatingTaskStore(ITaskStore inner) : ITaskStore
{
    /// <summary>Gets the store that does the work.</summary>
    protected ITaskStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) => Inner.BeginBatchAsync(cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<WebhookTask>> LeaseAsync(TaskLeaseRequest request, CancellationToken cancellationToken) => Inner.LeaseAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> CompleteAsync(WebhookTask task, TaskAttempt? attempt, CancellationToken cancellationToken) => Inner.CompleteAsync(task, attempt, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> BranchAsync(WebhookTask task, TaskAttempt? attempt, IReadOnlyList<WebhookTask> branches, CancellationToken cancellationToken) =>
        Inner.BranchAsync(task, attempt, branches, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask ReleaseAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken) => Inner.ReleaseAsync(tasks, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<WebhookTask?> GetAsync(Guid id, CancellationToken cancellationToken) => Inner.GetAsync(id, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<TaskAttempt>> GetAttemptsAsync(Guid id, CancellationToken cancellationToken) => Inner.GetAttemptsAsync(id, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<TaskPage> QueryAsync(TaskQuery query, CancellationToken cancellationToken) => Inner.QueryAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> RetryAsync(TaskQuery filter, CancellationToken cancellationToken) => Inner.RetryAsync(filter, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> PruneAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken) => Inner.PruneAsync(updatedBefore, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IdempotentRequest?> FindRequestAsync(string webhook, string key, CancellationToken cancellationToken) => Inner.FindRequestAsync(webhook, key, cancellationToken);
}
