namespace Alumio.Webhooks.Tasks;

/// <summary>The tasks of one request on their way into an <see cref="ITaskStore"/>: all of them, or none.</summary>
public interface ITaskBatch : IAsyncDisposable
{
    /// <summary>Writes tasks into the batch; they stay invisible until the commit.</summary>
    /// <param name="tasks">New tasks, with status <see cref="WebhookTaskStatus.New"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the tasks are written.</returns>
    ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken);

    /// <summary>Makes every task of the batch visible at once, durably.</summary>
    /// <param name="cancellationToken">Cancels the commit; then nothing is stored.</param>
    /// <returns>A task that completes once the tasks are stored durably.</returns>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}
