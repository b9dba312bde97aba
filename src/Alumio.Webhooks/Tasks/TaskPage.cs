namespace Alumio.Webhooks.Tasks;

/// <summary>One page of a task listing.</summary>
/// <param name="Items">The tasks on the page, ordered by id.</param>
/// <param name="Next">The cursor of the next page, or <see langword="null"/> on the last one.</param>
public sealed record TaskPage(IReadOnlyList<WebhookTask> Items, Guid? Next);
