namespace Alumio.Webhooks.Tasks;

/// <summary>The checks every store makes on an outcome before it records it.</summary>
internal static class TaskOutcomes
{
    /// <summary>Throws when the outcome is not one a processor may record, or a branch does not belong to the task.</summary>
    public static void Check(WebhookTask task, IReadOnlyList<WebhookTask> branches)
    {
        if (task.Status is WebhookTaskStatus.New or WebhookTaskStatus.Processing || (task.Status == WebhookTaskStatus.Retry && task.DueAt is null))
        {
            throw new ArgumentException("An outcome is Finished, Skipped, Failed, or Retry with a due time.", nameof(task));
        }

        if (branches.Count == 0)
        {
            return;
        }

        if (task.Status != WebhookTaskStatus.Finished)
        {
            throw new ArgumentException("A task that branched is Finished.", nameof(task));
        }

        foreach (var branch in branches)
        {
            if (branch is null
                || branch.Status != WebhookTaskStatus.New
                || branch.ParentId != task.Id
                || branch.Route != task.Route
                || branch.Webhook != task.Webhook
                || branch.RequestId != task.RequestId)
            {
                throw new ArgumentException("A branch is a New task with the task as its parent, on the same webhook, route and request.", nameof(branches));
            }
        }
    }
}
