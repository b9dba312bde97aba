namespace Alumio.Webhooks.Tasks;

/// <summary>What <see cref="ITaskStore.LeaseAsync"/> hands out.</summary>
public sealed record TaskLeaseRequest
{
    /// <summary>Initializes a new instance of the <see cref="TaskLeaseRequest"/> class.</summary>
    /// <param name="maxCount">The most tasks to lease; at least 1.</param>
    /// <param name="duration">How long the lease lasts before the tasks are handed out again; positive.</param>
    public TaskLeaseRequest(int maxCount, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        MaxCount = maxCount;
        Duration = duration;
    }

    /// <summary>Gets the most tasks to lease.</summary>
    public int MaxCount { get; }

    /// <summary>Gets how long the lease lasts.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets routes whose tasks are not leased, such as routes already at their concurrency limit.</summary>
    public IReadOnlyCollection<string> ExcludedRoutes { get; init; } = [];

    /// <summary>Gets the only routes whose tasks are leased, or <see langword="null"/> for all.</summary>
    public IReadOnlyCollection<string>? Routes { get; init; }

    /// <summary>Gets the only request whose tasks are leased, or <see langword="null"/> for all; used to deliver a request's real-time routes at once.</summary>
    public string? RequestId { get; init; }
}
