namespace Alumio.Webhooks.Tasks;

/// <summary>Filters and paging for <see cref="ITaskStore.QueryAsync"/>. Unset filters match everything.</summary>
public sealed record TaskQuery
{
    /// <summary>The largest page size a store returns.</summary>
    public const int MaxLimit = 500;

    /// <summary>Gets the webhook identifier to match, case-insensitively, as identifiers are.</summary>
    public string? Webhook { get; init; }

    /// <summary>Gets the route name to match, case-insensitively.</summary>
    public string? Route { get; init; }

    /// <summary>Gets the status to match.</summary>
    public WebhookTaskStatus? Status { get; init; }

    /// <summary>Gets the request id to match.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets the one task id to match, such as for retrying a single task.</summary>
    public Guid? Id { get; init; }

    /// <summary>Gets the page size.</summary>
    /// <value>Defaults to 50; between 1 and <see cref="MaxLimit"/>.</value>
    public int Limit { get; init; } = 50;

    /// <summary>Gets the id after which the page starts: the previous page's <see cref="TaskPage.Next"/>.</summary>
    public Guid? After { get; init; }
}
