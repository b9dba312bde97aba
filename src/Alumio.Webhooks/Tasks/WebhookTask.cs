using System.Text.Json;

namespace Alumio.Webhooks.Tasks;

/// <summary>One entity on one route: the unit that is stored, processed, retried and shown.</summary>
/// <param name="Id">The task id; version 7, so ids sort by creation time.</param>
/// <param name="RequestId">The id of the webhook request that created the task.</param>
/// <param name="Webhook">The identifier of the webhook that received the entity.</param>
/// <param name="Route">The name of the route the task follows.</param>
/// <param name="EntityUtf8">The entity as UTF-8 JSON, as it was split from the request, before any transformer ran.</param>
/// <param name="Status">Where the task is in its life cycle.</param>
/// <param name="Attempts">How many times the task was processed: delivered or tried to, or skipped by a transformer.</param>
/// <param name="LastError">Why the last attempt failed or why the task was skipped; never holds a secret.</param>
/// <param name="CreatedAt">When the task was stored.</param>
/// <param name="UpdatedAt">When the task last changed.</param>
public sealed record WebhookTask(
    Guid Id,
    string RequestId,
    string Webhook,
    string Route,
    ReadOnlyMemory<byte> EntityUtf8,
    WebhookTaskStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    private readonly IReadOnlyList<string>? _captures;

    /// <summary>
    /// Gets when the task is next due: for <see cref="WebhookTaskStatus.Retry"/> the time of the next attempt; for a
    /// leased task (<see cref="WebhookTaskStatus.Processing"/>) the time its lease runs out and it is handed out again.
    /// <see langword="null"/> for a new task (due at once) and for a task that is done.
    /// </summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>
    /// Gets the lease under which a processor holds the task, set by <see cref="ITaskStore.LeaseAsync"/>. A store only
    /// accepts the outcome of an attempt from the holder of the current lease, so a processor whose lease ran out (and
    /// whose task was handed to another) cannot overwrite the newer outcome.
    /// </summary>
    public Guid? LeaseId { get; init; }

    /// <summary>
    /// Gets what the wildcard keys of the incoming's pattern to items matched for this task's item (keys, or indexes as
    /// text), in pattern order: <c>$1</c> is the first. For a branch, the brancher's captures follow its parent's.
    /// Empty when the pattern has no wildcard keys.
    /// </summary>
    public IReadOnlyList<string> Captures
    {
        get => _captures ?? [];
        init => _captures = value;
    }

    /// <summary>Gets the task a brancher split this one from; <see langword="null"/> for a task stored by a webhook request.</summary>
    public Guid? ParentId { get; init; }

    /// <summary>
    /// Gets the index of the first of the route's transformers that runs on this task: 0, or for a branch the
    /// transformer after the brancher that made it (the ones before ran on its parent).
    /// </summary>
    public int FirstTransformer { get; init; }

    /// <summary>Gets the entity, parsed from <see cref="EntityUtf8"/> on each call.</summary>
    public JsonElement Entity
    {
        get
        {
            using var document = JsonDocument.Parse(EntityUtf8, JsonEntity.DocumentOptions);
            return document.RootElement.Clone();
        }
    }
}
