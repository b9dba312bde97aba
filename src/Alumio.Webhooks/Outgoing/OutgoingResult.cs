namespace Alumio.Webhooks.Outgoing;

/// <summary>The outcome of an <see cref="IOutgoing"/> delivery.</summary>
public sealed class OutgoingResult
{
    private static readonly OutgoingResult SuccessWithoutStatus = new(null, null);

    private OutgoingResult(string? error, int? statusCode, bool permanent = false, TimeSpan? retryAfter = null)
    {
        Error = error;
        StatusCode = statusCode;
        IsPermanent = permanent;
        RetryAfter = retryAfter;
    }

    /// <summary>
    /// Gets a value indicating whether the failure would repeat on every retry (the system refused the entity itself,
    /// such as an HTTP 4xx other than 408 and 429), so the task fails at once instead of being retried.
    /// </summary>
    public bool IsPermanent { get; }

    /// <summary>Gets how long the system asked to wait before the next attempt (HTTP <c>Retry-After</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets a value indicating whether the system accepted the entity.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Gets why the delivery failed; never holds a secret.</summary>
    public string? Error { get; }

    /// <summary>Gets the status code the system answered with, for HTTP outgoings.</summary>
    public int? StatusCode { get; }

    /// <summary>Creates a successful result.</summary>
    /// <param name="statusCode">The status code the system answered with, if any.</param>
    /// <returns>The result.</returns>
    public static OutgoingResult Success(int? statusCode = null) =>
        statusCode is null ? SuccessWithoutStatus : new OutgoingResult(null, statusCode);

    /// <summary>Creates a failed result.</summary>
    /// <param name="error">Why the delivery failed, as shown on the task.</param>
    /// <param name="statusCode">The status code the system answered with, if any.</param>
    /// <returns>The result.</returns>
    public static OutgoingResult Failure(string error, int? statusCode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new OutgoingResult(error, statusCode);
    }

    /// <summary>Creates a failed result that a retry may turn into success, optionally with the wait the system asked for.</summary>
    /// <param name="error">Why the delivery failed, as shown on the task.</param>
    /// <param name="statusCode">The status code the system answered with, if any.</param>
    /// <param name="retryAfter">How long the system asked to wait, if it did; not negative.</param>
    /// <returns>The result.</returns>
    public static OutgoingResult TransientFailure(string error, int? statusCode = null, TimeSpan? retryAfter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        if (retryAfter is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(retryAfter));
        }

        return new OutgoingResult(error, statusCode, retryAfter: retryAfter);
    }

    /// <summary>Creates a failed result that no retry would change: the task fails at once.</summary>
    /// <param name="error">Why the delivery failed, as shown on the task.</param>
    /// <param name="statusCode">The status code the system answered with, if any.</param>
    /// <returns>The result.</returns>
    public static OutgoingResult PermanentFailure(string error, int? statusCode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new OutgoingResult(error, statusCode, permanent: true);
    }
}
