namespace Alumio.Webhooks.Tasks;

/// <summary>The life cycle of a <see cref="WebhookTask"/>.</summary>
public enum WebhookTaskStatus
{
    /// <summary>Stored and waiting to be processed.</summary>
    New = 0,

    /// <summary>Leased by a processor and being delivered.</summary>
    Processing = 1,

    /// <summary>Delivered to the outgoing system; or, for a task that a brancher split, its branches stored as tasks of their own.</summary>
    Finished = 2,

    /// <summary>Delivery failed for good; <see cref="WebhookTask.LastError"/> says why.</summary>
    Failed = 3,

    /// <summary>A transformer decided the entity needs no delivery; <see cref="WebhookTask.LastError"/> says why.</summary>
    Skipped = 4,

    /// <summary>Delivery failed and will be attempted again.</summary>
    Retry = 5,
}
