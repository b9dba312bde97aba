namespace Alumio.Webhooks.Tasks;

/// <summary>Conveniences over <see cref="ITaskStore"/>.</summary>
public static class TaskStoreExtensions
{
    /// <summary>Stores tasks in one batch: all of them, or none.</summary>
    /// <param name="store">The store.</param>
    /// <param name="tasks">New tasks, with status <see cref="WebhookTaskStatus.New"/>.</param>
    /// <param name="cancellationToken">Cancels the write; then nothing is stored.</param>
    /// <returns>A task that completes once every task is stored durably.</returns>
    public static async ValueTask AddAsync(this ITaskStore store, IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tasks);
        var batch = await store.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        await using (batch.ConfigureAwait(false))
        {
            await batch.AddAsync(tasks, cancellationToken).ConfigureAwait(false);
            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
