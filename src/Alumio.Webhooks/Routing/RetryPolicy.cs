namespace Alumio.Webhooks.Routing;

/// <summary>
/// How a route retries a failed delivery (Alumio's "activate retrying of failed tasks"): exponential backoff with
/// jitter, from <see cref="FirstInterval"/> doubling up to <see cref="MaxInterval"/>, at most <see cref="MaxRetries"/>
/// times, after which the task is <c>Failed</c>. A <c>Retry-After</c> from the receiver replaces the computed wait.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>The most retries a route may have, as in Alumio.</summary>
    public const int MaxRetriesLimit = 10;

    /// <summary>The longest wait between retries a route may have: six hours (Alumio's 360 minutes).</summary>
    public static readonly TimeSpan MaxIntervalLimit = TimeSpan.FromHours(6);

    /// <summary>The wait before the first retry.</summary>
    public static readonly TimeSpan FirstInterval = TimeSpan.FromSeconds(30);

    /// <summary>Initializes a new instance of the <see cref="RetryPolicy"/> class.</summary>
    /// <param name="maxRetries">How many times a failed delivery is tried again: 0 (no retrying) to 10.</param>
    /// <param name="maxInterval">The longest wait between retries; from 1 second to 6 hours. Six hours when <see langword="null"/>.</param>
    public RetryPolicy(int maxRetries, TimeSpan? maxInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRetries, MaxRetriesLimit);
        var interval = maxInterval ?? MaxIntervalLimit;
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1), nameof(maxInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(interval, MaxIntervalLimit, nameof(maxInterval));
        MaxRetries = maxRetries;
        MaxInterval = interval;
    }

    /// <summary>Gets the policy of a route that does not retry: a failed delivery is <c>Failed</c> at once.</summary>
    public static RetryPolicy None { get; } = new(0);

    /// <summary>Gets how many times a failed delivery is tried again.</summary>
    public int MaxRetries { get; }

    /// <summary>Gets the longest wait between retries.</summary>
    public TimeSpan MaxInterval { get; }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first): <see cref="FirstInterval"/> doubled
    /// for each retry before it, capped at <see cref="MaxInterval"/>, of which a random half is taken off so that
    /// tasks that failed together do not all come back together.
    /// </summary>
    /// <param name="retry">The retry's number, from 1.</param>
    /// <param name="random">A value from 0 (inclusive) to 1 (exclusive) that picks the jitter.</param>
    /// <returns>The wait, between half the capped backoff and the capped backoff.</returns>
    public TimeSpan Backoff(int retry, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var exponent = Math.Min(retry - 1, 30);
        var ceiling = TimeSpan.FromTicks((long)Math.Min(MaxInterval.Ticks, FirstInterval.Ticks * Math.Pow(2, exponent)));
        return ceiling - (ceiling / 2 * Math.Clamp(random, 0, 1));
    }
}
