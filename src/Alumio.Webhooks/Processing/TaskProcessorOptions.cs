namespace Alumio.Webhooks.Processing;

/// <summary>Settings of the background task processor.</summary>
public sealed class TaskProcessorOptions
{
    /// <summary>Gets or sets a value indicating whether tasks are processed in the background of this host.</summary>
    /// <value>Defaults to <see langword="true"/>. Turn it off in hosts that only receive, or in tests that drive <see cref="WebhookTaskProcessor"/> themselves.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many tasks are leased at once.</summary>
    /// <value>Defaults to 32; between 1 and 1000.</value>
    public int BatchSize { get; set; } = 32;

    /// <summary>Gets or sets how many tasks are delivered at the same time.</summary>
    /// <value>Defaults to 4; between 1 and 256.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how long the processor waits for new tasks before it looks again on its own.</summary>
    /// <value>Defaults to 1 second; between 10 milliseconds and 1 hour. New tasks from this host wake the processor at once.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long a leased task belongs to this processor before another may take it.</summary>
    /// <value>Defaults to 5 minutes; between 1 second and 1 day. Must exceed the slowest delivery.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long finished and skipped tasks are kept before they are pruned, or <see langword="null"/> to keep them.</summary>
    /// <value>Defaults to 7 days; at least 1 minute. Failed tasks are never pruned: they wait for someone to look.</value>
    public TimeSpan? Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how often the processor prunes.</summary>
    /// <value>Defaults to 1 hour; between 1 second and 1 day.</value>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    internal IEnumerable<string> Validate()
    {
        if (Retention is { } retention && retention < TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(Retention)} must be at least 1 minute, or null to keep tasks; it is {retention}.";
        }

        if (PruneInterval < TimeSpan.FromSeconds(1) || PruneInterval > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(PruneInterval)} must be between 1 second and 1 day; it is {PruneInterval}.";
        }

        if (BatchSize is < 1 or > 1000)
        {
            yield return $"{nameof(BatchSize)} must be between 1 and 1000; it is {BatchSize}.";
        }

        if (MaxConcurrency is < 1 or > 256)
        {
            yield return $"{nameof(MaxConcurrency)} must be between 1 and 256; it is {MaxConcurrency}.";
        }

        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(PollInterval)} must be between 10 milliseconds and 1 hour; it is {PollInterval}.";
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromDays(1))
        {
            yield return $"{nameof(LeaseDuration)} must be between 1 second and 1 day; it is {LeaseDuration}.";
        }
    }
}
