namespace Alumio.Webhooks.Outgoing;

/// <summary>The outcome of an <see cref="IOutgoing"/> delivery.</summary>
public sealed class OutgoingResult
{
    private static readonly OutgoingResult SuccessWithoutStatus = new(null, null);

    private OutgoingResult(string? error, int? statusCode)
    {
        Error = error;
        StatusCode = statusCode;
    }

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
}
